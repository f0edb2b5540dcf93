"""Contracts of the numbers service (`rpc.numbers.*`): the network in numbers."""

"""The numbers service: the network in numbers, a read model built from events."""

"""The HTTP gateway: a Litestar app in front of the services, speaking to them over NATS RPC."""

"""The fast tier: a service's scenarios against in-memory storage and FastStream's
`TestNatsBroker`, in milliseconds; the same scenarios run again against the real servers."""

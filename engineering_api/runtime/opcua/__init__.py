"""OPC UA in the runtime API: how an S7-1500 names and types tags (:mod:`.names`), the simulated PLCs' servers
(:mod:`.server`, :mod:`.servers`, :mod:`.calls`) and a real PLC's OPC UA server read and written as a source
(:mod:`.source`), on one session per connection kept between calls (:mod:`.sessions`).
"""

"""Tag tables of the fake: address rules (:mod:`.addresses`) and the table model (:mod:`.tables`)."""

"""The kernel every app stands on: the domain error, audit, the action rule, the outbox, the
access policy for callers and the current-instansi helper. It imports no app of Simpul."""

"""The password hasher: Argon2id at OWASP's recommended parameters.

OWASP's Password Storage Cheat Sheet: Argon2id "with a minimum configuration of 19 MiB of
memory, an iteration count of 2, and 1 degree of parallelism". Django's own defaults (100 MiB,
2 passes, 8 lanes) spend 0.23 s and 100 MiB per hash on a 2-core machine, eight lanes for two
cores; these spend 0.03 s and 19 MiB, so a sign-in burst does not take a worker's memory and a
new instansi's admin hash no longer dominates its hand-out (benchmarks/RESULTS.md). Hashes made
with other parameters (Django's defaults, PBKDF2) still verify and are re-hashed with these at
the user's next sign-in (Django's `must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

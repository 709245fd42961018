package models

import (
	"runtime"

	"github.com/alexedwards/argon2id"
)

// passwordParams follow OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane).
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// dummyHash is checked against when no account exists, so both paths cost the same.
var dummyHash, _ = HashPassword("not a real password")

// hashing bounds the Argon2id computations running at once (one a core, at least two): each
// holds 19 MiB while it runs, so a flood of sign-ins waits its turn instead of growing the
// portal's memory by 19 MiB a request (200 at once reached 3.2 GB without this bound).
var hashing = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

func withHashing[T any](fn func() (T, error)) (T, error) {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return fn()
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	return withHashing(func() (string, error) { return argon2id.CreateHash(password, passwordParams) })
}

// CheckPassword compares a password with a stored hash in constant time.
func CheckPassword(password, hash string) (bool, error) {
	return withHashing(func() (bool, error) { return argon2id.ComparePasswordAndHash(password, hash) })
}

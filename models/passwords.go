package models

import "github.com/alexedwards/argon2id"

// passwordParams follow OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane).
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// dummyHash is checked against when no account exists, so both paths cost the same.
var dummyHash, _ = HashPassword("not a real password")

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	return argon2id.CreateHash(password, passwordParams)
}

// CheckPassword compares a password with a stored hash in constant time.
func CheckPassword(password, hash string) (bool, error) {
	return argon2id.ComparePasswordAndHash(password, hash)
}

package models_test

import (
	"strings"
	"testing"

	"github.com/hzcbec/portal/models"
)

func TestPasswordHashing(t *testing.T) {
	h1, err := models.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h1, "$argon2id$") {
		t.Fatalf("hash %q is not argon2id", h1)
	}
	h2, _ := models.HashPassword("correct horse battery")
	if h1 == h2 {
		t.Fatal("two hashes of one password are equal: the salt is missing")
	}
	if ok, err := models.CheckPassword("correct horse battery", h1); err != nil || !ok {
		t.Fatalf("right password refused: %v %v", ok, err)
	}
	if ok, _ := models.CheckPassword("correct horse batterY", h1); ok {
		t.Fatal("wrong password accepted")
	}
}

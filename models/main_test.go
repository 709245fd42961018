package models_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/hzcbec/portal/migrations/testdb"
	"github.com/hzcbec/portal/models"
)

// dsn is this package's own database, cloned from the migrated template.
var dsn string

func TestMain(m *testing.M) {
	var drop func()
	var err error
	dsn, drop, err = testdb.Create(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	drop()
	os.Exit(code)
}

func openStore(tb testing.TB) *models.Store {
	tb.Helper()
	s, err := models.Open(context.Background(), dsn, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

func newUser(tb testing.TB, s *models.Store, email string, roles ...string) *models.User {
	tb.Helper()
	if len(roles) == 0 {
		roles = []string{models.RoleConsumer}
	}
	u, err := s.CreateUser(context.Background(), models.SystemActor, models.NewUser{
		Email: email, Password: "correct horse battery", Name: "Test " + email, Roles: roles})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

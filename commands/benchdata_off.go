//go:build !bench

package commands

import (
	"context"
	"errors"
	"io"

	"github.com/hzcbec/portal/app"
)

// benchData answers `portal bench-data ...` in a binary built without the bench tag: the
// benchmark data generators are left out of the production binary.
func benchData(context.Context, app.Config, string, []string, io.Writer) error {
	return errors.New("bench-data is not in this binary: build the portal with `go build -tags bench`")
}

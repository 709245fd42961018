// Package views holds the server-rendered pages, their static assets and the message catalogs,
// all embedded in the binary.
package views

import "embed"

// Templates are the page templates: layouts/, pages/ and partials/.
//
//go:embed templates
var Templates embed.FS

// Static holds the CSS and scripts served under /static.
//
//go:embed static
var Static embed.FS

// Locales are the message catalogs, one JSON file per language.
//
//go:embed locales
var Locales embed.FS

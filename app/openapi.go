package app

import (
	"regexp"
	"strings"
)

var fiberParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// openAPI describes the route table as an OpenAPI 3 document: one operation per route, so the
// document cannot drift from what the server answers.
func openAPI(routes []Route) map[string]any {
	paths := map[string]map[string]any{}
	for _, r := range routes {
		path, params := openAPIPath(r.Path)
		op := map[string]any{
			"operationId": operationID(r),
			"summary":     r.Summary,
			"tags":        []string{tagOf(r.Path)},
			"x-access":    access(r),
			"responses": map[string]any{
				"2XX":     map[string]any{"description": "Success"},
				"default": map[string]any{"description": "An error", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
			},
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if (r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH") && strings.HasPrefix(r.Path, "/api/") {
			op["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
		}
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(r.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "Hangzhou CBEC quality-traceability and dispute-resolution portal",
			"version":     "1.0.0",
			"description": "JSON API of the portal. Errors are application/problem+json (RFC 9457). Send Accept-Language: en for English; the default is Simplified Chinese.",
		},
		"servers":  []any{map[string]any{"url": "/"}},
		"paths":    paths,
		"security": []any{map[string]any{}, map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "portal_session"},
			},
			"schemas": map[string]any{
				"Problem": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"},
						"status": map[string]any{"type": "integer"}, "detail": map[string]any{"type": "string"},
						"errors": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
							"field": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}}}},
					},
				},
			},
		},
	}
}

// openAPIPath turns "/complaints/:id" into "/complaints/{id}" and "/static/*" into "/static/{path}".
func openAPIPath(p string) (string, []any) {
	var params []any
	for _, m := range fiberParam.FindAllStringSubmatch(p, -1) {
		params = append(params, pathParam(m[1]))
	}
	p = fiberParam.ReplaceAllString(p, "{$1}")
	if strings.HasSuffix(p, "*") {
		p = strings.TrimSuffix(p, "*") + "{path}"
		params = append(params, pathParam("path"))
	}
	return p, params
}

func pathParam(name string) map[string]any {
	return map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}}
}

func operationID(r Route) string {
	id := strings.ToLower(r.Method) + r.Path
	return strings.NewReplacer("/", "_", ":", "", "*", "path", ".", "_", "-", "_").Replace(id)
}

func tagOf(path string) string {
	parts := strings.Split(strings.TrimPrefix(strings.TrimPrefix(path, "/api/v1"), "/"), "/")
	if parts[0] == "" || !strings.HasPrefix(path, "/api/v1") {
		return "pages and operations"
	}
	return parts[0]
}

// access is what a route asks: "obj:act" of the policy, or "obj:engine" when the engine decides.
func access(r Route) string {
	if r.Engine {
		return r.Obj + ":engine"
	}
	return r.Obj + ":" + r.Act
}

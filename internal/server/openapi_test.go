package server_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// apiOp is one operation of the OpenAPI document.
type apiOp struct {
	Method, Path, ID string
	Public           bool           // no bearer security
	Body             map[string]any // request body schema, resolved; nil when none
}

func (o apiOp) String() string { return o.Method + " " + o.Path }

// openAPI reads /api/v1/openapi.json from a running server.
type openAPI struct {
	doc map[string]any
	ops []apiOp
}

func loadOpenAPI(t testing.TB, base string) *openAPI {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/openapi.json")
	if err != nil {
		t.Fatalf("GET openapi.json: %v", err)
	}
	defer resp.Body.Close()
	oa := &openAPI{}
	if err := json.NewDecoder(resp.Body).Decode(&oa.doc); err != nil {
		t.Fatalf("decode openapi.json: %v", err)
	}
	paths, _ := oa.doc["paths"].(map[string]any)
	for p, v := range paths {
		for m, raw := range v.(map[string]any) {
			o, ok := raw.(map[string]any)
			if !ok {
				continue
			}
			op := apiOp{Method: strings.ToUpper(m), Path: p}
			op.ID, _ = o["operationId"].(string)
			sec, _ := o["security"].([]any)
			op.Public = len(sec) == 0
			if rb, ok := o["requestBody"].(map[string]any); ok {
				if c, ok := rb["content"].(map[string]any)["application/json"].(map[string]any); ok {
					op.Body = oa.resolve(c["schema"])
				}
			}
			oa.ops = append(oa.ops, op)
		}
	}
	sort.Slice(oa.ops, func(i, j int) bool { return oa.ops[i].String() < oa.ops[j].String() })
	if len(oa.ops) < 10 {
		t.Fatalf("only %d operations in the OpenAPI document", len(oa.ops))
	}
	return oa
}

// resolve follows a $ref to its schema.
func (oa *openAPI) resolve(s any) map[string]any {
	m, _ := s.(map[string]any)
	for i := 0; m != nil && i < 10; i++ {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		m, _ = oa.doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
	}
	return m
}

// types lists a schema's JSON types ("type" may be a string or a list).
func types(s map[string]any) []string {
	switch v := s["type"].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if str, ok := x.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

// sample builds a value that satisfies the schema's own constraints;
// overrides replace properties by name (real ids, sensible times).
func (oa *openAPI) sample(s map[string]any, overrides map[string]any) any {
	s = oa.resolve(s)
	if s == nil {
		return nil
	}
	if enum, ok := s["enum"].([]any); ok {
		for _, e := range enum {
			if e != "" {
				return e
			}
		}
		return enum[0]
	}
	ts := types(s)
	if len(ts) == 0 {
		return nil
	}
	switch ts[0] {
	case "object":
		out := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		for name, ps := range props {
			if v, ok := overrides[name]; ok {
				if v != omit {
					out[name] = v
				}
				continue
			}
			out[name] = oa.sample(ps.(map[string]any), overrides)
		}
		return out
	case "array":
		return []any{}
	case "integer", "number":
		if min, ok := s["minimum"].(float64); ok && min > 0 {
			return min
		}
		return 1
	case "boolean":
		return false
	case "string":
		if s["format"] == "date-time" {
			return "2026-03-10T10:00:00+08:00"
		}
		n := 1
		if min, ok := s["minLength"].(float64); ok && min > 1 {
			n = int(min)
		}
		return strings.Repeat("x", n)
	}
	return nil
}

var pathParamRE = regexp.MustCompile(`\{[^}]+\}`)

// fill replaces every {param} of an API path with v.
func fill(path, v string) string { return pathParamRE.ReplaceAllString(path, v) }

package apptest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// WebRoutes lists the route patterns ("GET /bookings/{id}") registered by
// the non-test Go files of dir (internal/web), read from their source:
// every call x.Handle(pattern, …) or x.HandleFunc(pattern, …). A pattern
// that is not a string literal is an error, so that no route escapes the
// tests that walk every page (http.ServeMux cannot list its patterns);
// the mount of the JSON API (api.Prefix + "/") is skipped, its routes are
// listed by its OpenAPI document.
func WebRoutes(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var out []string
	var bad []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
				return true
			}
			if mountsAPI(call.Args[0]) {
				return true // the API's own routes come from its OpenAPI document
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				bad = append(bad, fset.Position(call.Pos()).String())
				return true
			}
			p, err := strconv.Unquote(lit.Value)
			if err != nil {
				bad = append(bad, fset.Position(call.Pos()).String())
				return true
			}
			out = append(out, p)
			return true
		})
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("route patterns that are not string literals (write them out): %s", strings.Join(bad, ", "))
	}
	sort.Strings(out)
	return out, nil
}

// mountsAPI recognises the API's mount point, api.Prefix + "/".
func mountsAPI(e ast.Expr) bool {
	b, ok := e.(*ast.BinaryExpr)
	if !ok || b.Op != token.ADD {
		return false
	}
	sel, ok := b.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Prefix"
}

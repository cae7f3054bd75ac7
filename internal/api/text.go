package api

import (
	"reflect"
	"strings"

	"jiedai/internal/store"
)

// badText returns the name of the first input field (body member, query or
// path parameter) holding text that no database column can store: a NUL
// character or bytes that are not UTF-8. PostgreSQL refuses both, and
// SQLite would keep them to trouble every later reader; either way the
// caller gets a 422 naming the field instead.
func badText(in any) (string, bool) {
	return walkText(reflect.ValueOf(in), "", 0)
}

func walkText(v reflect.Value, name string, depth int) (string, bool) {
	if depth > 32 || !v.IsValid() {
		return "", false
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", false
		}
		return walkText(v.Elem(), name, depth+1)
	case reflect.String:
		if !store.StorableText(v.String()) {
			return name, true
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", false // raw bytes (uploads) are not text
		}
		for i := 0; i < v.Len(); i++ {
			if f, bad := walkText(v.Index(i), name, depth+1); bad {
				return f, true
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if f, bad := walkText(it.Key(), name, depth+1); bad {
				return f, true
			}
			if f, bad := walkText(it.Value(), name, depth+1); bad {
				return f, true
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			if f, bad := walkText(v.Field(i), join(name, fieldName(sf)), depth+1); bad {
				return f, true
			}
		}
	}
	return "", false
}

// fieldName is the name the caller knows a field by.
func fieldName(sf reflect.StructField) string {
	for _, tag := range []string{"json", "query", "path", "header"} {
		if v, ok := sf.Tag.Lookup(tag); ok {
			if n, _, _ := strings.Cut(v, ","); n != "" && n != "-" {
				return n
			}
		}
	}
	if sf.Name == "Body" || sf.Anonymous {
		return ""
	}
	return sf.Name
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "." + b
}

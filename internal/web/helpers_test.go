package web_test

import (
	"io"
	"net/http"
	"strings"
)

func bufCopy(b *strings.Builder, r *http.Response) (int64, error) {
	defer r.Body.Close()
	return io.Copy(b, r.Body)
}

package browsertest

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

const formPage = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>借贷测试</title></head>
<body>
<h1>借款申请</h1>
<form id="apply" method="post" action="/submit">
  <label for="name">借款人姓名</label>
  <input id="name" name="name" type="text" value="旧值">
  <button id="send" type="submit">提交</button>
</form>
</body>
</html>`

const resultPage = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>结果</title></head>
<body>
<h1>申请已收到</h1>
<p id="result">借款人：{{.Name}}</p>
<p id="lang">{{.Lang}}</p>
</body>
</html>`

// newServer serves a form page at / and echoes the submitted name at /submit.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	result := template.Must(template.New("result").Parse(resultPage))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(formPage))
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		data := struct{ Name, Lang string }{r.PostFormValue("name"), r.Header.Get("Accept-Language")}
		if err := result.Execute(w, data); err != nil {
			t.Errorf("render result page: %v", err)
		}
	})
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return srv
}

func TestFormSubmitChinese(t *testing.T) {
	srv := newServer(t)
	b := New(t, WithLang("zh-CN"))

	b.Navigate(srv.URL + "/")
	b.WaitVisible("#apply")
	if got := b.Text("label[for=name]"); got != "借款人姓名" {
		t.Errorf("label text = %q, want %q", got, "借款人姓名")
	}

	const name = "张三丰"
	b.SetValue("#name", name)
	b.Submit("#name")
	b.WaitVisible("#result")

	if got := b.Text("#result"); !strings.Contains(got, name) {
		t.Errorf("result text = %q, want it to contain %q", got, name)
	}
	if got := b.Location(); got != srv.URL+"/submit" {
		t.Errorf("location = %q, want %q", got, srv.URL+"/submit")
	}
	if got := b.Text("#lang"); !strings.HasPrefix(got, "zh-CN") {
		t.Errorf("Accept-Language = %q, want prefix zh-CN", got)
	}
	if html := b.HTML(); !strings.Contains(html, "申请已收到") {
		t.Errorf("page HTML lacks the heading: %s", html)
	}

	path := b.Screenshot("browsertest/form-result.png")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("stat screenshot: %v", err)
	}
	if info.Size() == 0 {
		t.Fatalf("screenshot %s is empty", path)
	}
	t.Logf("screenshot: %s", path)
}

func TestWindowSize(t *testing.T) {
	srv := newServer(t)
	b := New(t, WithWindow(1024, 768))
	b.Navigate(srv.URL + "/")
	size, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[[]int]("[window.innerWidth, window.innerHeight]"))
	if err != nil {
		t.Fatalf("read the viewport size: %v", err)
	}
	if len(size) != 2 || size[0] != 1024 || size[1] != 768 {
		t.Errorf("viewport = %v, want [1024 768]", size)
	}
}

func TestFindEnv(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "fake-chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatalf("write fake browser: %v", err)
	}
	t.Setenv(EnvChromium, fake)
	if got, ok := Find(); !ok || got != fake {
		t.Errorf("Find() = %q, %v; want %q, true", got, ok, fake)
	}
}

func TestBrowserRequired(t *testing.T) {
	tests := []struct {
		ci, require string
		want        bool
	}{
		{"true", "1", true},
		{"true", "", false},
		{"", "1", false},
		{"1", "1", false},
	}
	for _, tt := range tests {
		env := map[string]string{"CI": tt.ci, EnvRequireBrowser: tt.require}
		if got := browserRequired(func(k string) string { return env[k] }); got != tt.want {
			t.Errorf("browserRequired(CI=%q, %s=%q) = %v, want %v", tt.ci, EnvRequireBrowser, tt.require, got, tt.want)
		}
	}
}

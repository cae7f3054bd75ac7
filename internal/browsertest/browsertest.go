// Package browsertest runs browser tests against a headless Chromium with
// chromedp.
//
// A test calls [New] to start a fresh browser, then drives it with the helper
// methods of [Browser]. Each helper fails the test with t.Fatalf on error, so
// the helpers must be called from the test goroutine. When no Chromium is
// installed, [New] skips the test, unless the environment asks for a browser
// (CI=true and JIEDAI_REQUIRE_BROWSER=1), in which case it fails the test.
//
// Environment variables:
//
//   - JIEDAI_CHROMIUM: path or name of the Chromium binary to use.
//   - JIEDAI_SCREENSHOTS: directory that receives screenshots; without it
//     they go to a temporary directory of the test.
//   - CI and JIEDAI_REQUIRE_BROWSER: see above.
package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Environment variables read by the package.
const (
	EnvChromium       = "JIEDAI_CHROMIUM"
	EnvScreenshots    = "JIEDAI_SCREENSHOTS"
	EnvRequireBrowser = "JIEDAI_REQUIRE_BROWSER"
)

const (
	skipMessage        = "browser tests skipped: Chromium not found (apt-get install -y chromium, or set JIEDAI_CHROMIUM)"
	defaultTimeout     = 60 * time.Second
	defaultWidth       = 1280
	defaultHeight      = 900
	startTimeout       = 30 * time.Second
	closeTimeout       = 10 * time.Second
	maxOutputLogLength = 8 << 10 // bytes of browser output logged on failure
)

// candidates lists the binaries that Find tries after JIEDAI_CHROMIUM, in
// order. Absolute paths are checked as they are; names are looked up in PATH.
func candidates() []string {
	return []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"}
}

// Find returns the path of a Chromium binary. It tries the environment
// variable JIEDAI_CHROMIUM first, then /usr/bin/chromium, then chromium,
// chromium-browser and google-chrome in PATH. It reports false when none of
// them is an executable file.
func Find() (path string, ok bool) {
	names := candidates()
	if env := os.Getenv(EnvChromium); env != "" {
		names = append([]string{env}, names...)
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// browserRequired reports whether a missing browser must fail the test
// instead of skipping it.
func browserRequired(getenv func(string) string) bool {
	return getenv("CI") == "true" && getenv(EnvRequireBrowser) == "1"
}

// config holds the settings that options change.
type config struct {
	width, height int
	lang          string
	timeout       time.Duration
}

// Option changes how [New] starts the browser.
type Option func(*config)

// WithWindow sets the window and viewport size in CSS pixels. The default is
// 1280x900; use for example 1024x768 for a tablet.
func WithWindow(width, height int) Option {
	return func(c *config) {
		c.width, c.height = width, height
	}
}

// WithLang sets the browser language (--lang) and the Accept-Language header
// that the browser sends, for example "zh-CN".
func WithLang(lang string) Option {
	return func(c *config) {
		c.lang = lang
	}
}

// WithTimeout sets how long the context of [Browser.Ctx] lives. The default
// is 60 seconds.
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		c.timeout = d
	}
}

// Browser is a headless Chromium that belongs to one test.
type Browser struct {
	t       testing.TB
	ctx     context.Context
	shotDir string
}

// New starts a headless Chromium for the test and stops it when the test
// ends. It skips the test when no Chromium is found (see [Find]), or fails it
// when CI is "true" and JIEDAI_REQUIRE_BROWSER is "1".
func New(t testing.TB, opts ...Option) *Browser {
	t.Helper()
	path, ok := Find()
	if !ok {
		if browserRequired(os.Getenv) {
			t.Fatalf("%s; %s=1 requires a browser", skipMessage, EnvRequireBrowser)
		}
		t.Skip(skipMessage)
	}
	if env := os.Getenv(EnvChromium); env != "" {
		if _, err := exec.LookPath(env); err != nil {
			t.Logf("browsertest: ignoring %s: %v; using %s", EnvChromium, err, path)
		}
	}

	cfg := config{width: defaultWidth, height: defaultHeight, timeout: defaultTimeout}
	for _, opt := range opts {
		opt(&cfg)
	}

	// TempDir registers its removal before the cleanup below, so the
	// browser stops before its profile directory is removed.
	userDataDir := t.TempDir()
	out := &syncBuffer{}
	allocOpts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(userDataDir),
		chromedp.WindowSize(cfg.width, cfg.height),
		chromedp.CombinedOutput(out),
	}
	if cfg.lang != "" {
		allocOpts = append(allocOpts,
			chromedp.Flag("lang", cfg.lang),
			chromedp.Flag("accept-lang", cfg.lang),
		)
	}

	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	browserCtx, browserCancel := chromedp.NewContext(allocCtx)
	// The first Run binds the life of the browser to its context, so it
	// gets no deadline; a timer cancels a start that hangs instead.
	start := time.Now()
	hung := time.AfterFunc(startTimeout, browserCancel)
	// Headless Chromium gives the page less than --window-size (the height
	// loses about 140px), so the viewport is set to the exact size as well.
	err := chromedp.Do(browserCtx, chromedp.EmulateViewport(int64(cfg.width), int64(cfg.height)))
	hung.Stop()
	if err != nil {
		browserCancel()
		allocCancel()
		t.Fatalf("browsertest: start %s (limit %v): %v\nbrowser output:\n%s", path, startTimeout, err, out.tail(maxOutputLogLength))
	}
	t.Logf("browsertest: started %s in %v (window %dx%d)", path, time.Since(start).Round(time.Millisecond), cfg.width, cfg.height)

	ctx, cancel := context.WithTimeout(browserCtx, cfg.timeout)
	t.Cleanup(func() {
		cancel()
		closeCtx, closeCancel := context.WithTimeout(browserCtx, closeTimeout)
		defer closeCancel()
		if err := chromedp.Cancel(closeCtx); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("browsertest: close browser: %v", err)
		}
		browserCancel()
		allocCancel()
		if t.Failed() {
			if s := out.tail(maxOutputLogLength); strings.TrimSpace(s) != "" {
				t.Logf("browsertest: browser output:\n%s", s)
			}
		}
	})

	return &Browser{t: t, ctx: ctx}
}

// Ctx returns the chromedp context of the browser tab, for calls that the
// helpers do not cover. It ends at the test timeout (see [WithTimeout]).
func (b *Browser) Ctx() context.Context {
	return b.ctx
}

// do runs the actions and fails the test with the description on error.
func (b *Browser) do(desc string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("browsertest: %s: %v", desc, err)
	}
}

// run runs one action that returns a value and fails the test on error.
func run[T any](b *Browser, desc string, action chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, action)
	if err != nil {
		b.t.Fatalf("browsertest: %s: %v", desc, err)
	}
	return v
}

// Navigate loads url in the tab and waits for the page to load.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	b.do(fmt.Sprintf("navigate to %s", url), chromedp.Navigate(url))
}

// Click clicks the first element that matches the CSS selector sel, after
// waiting for it to be visible. It does not wait for a navigation that the
// click starts: follow it with [Browser.WaitVisible] on the next page.
func (b *Browser) Click(sel string) {
	b.t.Helper()
	b.do(fmt.Sprintf("click %q", sel), chromedp.Click(chromedp.CSS(sel)))
}

// SetValue waits for the input or textarea that matches sel to be visible,
// clears it, then types value into it with key events.
func (b *Browser) SetValue(sel, value string) {
	b.t.Helper()
	b.do(fmt.Sprintf("set value of %q to %q", sel, value),
		chromedp.WaitVisible(chromedp.CSS(sel)),
		clearValue(sel),
		chromedp.SendKeys(chromedp.CSS(sel), value),
	)
}

// clearValue empties the value of the first element that matches the CSS
// selector sel and fires an input event. chromedp.SetValue cannot do this:
// chromedp v0.23.0 sends an empty string argument as undefined, so the field
// would hold "undefined".
func clearValue(sel string) chromedp.Action[chromedp.Void] {
	quoted, _ := json.Marshal(sel) // a string always marshals
	js := fmt.Sprintf(`(() => {
	const el = document.querySelector(%s);
	if (!el) throw new Error("no element matches the selector");
	el.value = "";
	el.dispatchEvent(new Event("input", {bubbles: true}));
	return true;
})()`, quoted)
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Evaluate[bool](js)(ctx, t); err != nil {
			return fmt.Errorf("clear: %w", err)
		}
		return nil
	})
}

// Submit submits the form of the element that matches sel. Like Click, it
// does not wait for the next page.
func (b *Browser) Submit(sel string) {
	b.t.Helper()
	b.do(fmt.Sprintf("submit %q", sel), chromedp.Submit(chromedp.CSS(sel)))
}

// Text returns the visible text of the first element that matches sel. A
// read that a navigation overtook (the page it looked at is gone) is tried
// again on the new page, a few times.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	for i := 0; ; i++ {
		v, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
		if err == nil {
			return v
		}
		if i == 4 || !strings.Contains(err.Error(), "Cannot find context") {
			b.t.Fatalf("browsertest: text of %q: %v", sel, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// WaitVisible waits until the element that matches sel is visible.
func (b *Browser) WaitVisible(sel string) {
	b.t.Helper()
	b.do(fmt.Sprintf("wait for %q to be visible", sel), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// Location returns the URL of the current page.
func (b *Browser) Location() string {
	b.t.Helper()
	return run(b, "read location", chromedp.Location())
}

// HTML returns the outer HTML of the document element.
func (b *Browser) HTML() string {
	b.t.Helper()
	return run(b, "read page HTML", chromedp.OuterHTML(chromedp.CSS("html")))
}

// ShotDir returns the directory for screenshots: JIEDAI_SCREENSHOTS when it
// is set (created if needed), else a temporary directory of the test.
func (b *Browser) ShotDir() string {
	b.t.Helper()
	if b.shotDir != "" {
		return b.shotDir
	}
	dir := os.Getenv(EnvScreenshots)
	if dir == "" {
		dir = b.t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatalf("browsertest: create screenshot directory: %v", err)
	}
	b.shotDir = dir
	return dir
}

// Screenshot saves a full-page PNG screenshot and returns the path of the
// file. A relative path is taken relative to [Browser.ShotDir]; missing
// directories are created.
func (b *Browser) Screenshot(path string) string {
	b.t.Helper()
	if !filepath.IsAbs(path) {
		path = filepath.Join(b.ShotDir(), path)
	}
	png := run(b, "take screenshot", chromedp.FullScreenshot(100))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.t.Fatalf("browsertest: create directory for screenshot %s: %v", path, err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("browsertest: write screenshot: %v", err)
	}
	return path
}

// syncBuffer is a bytes.Buffer that is safe for concurrent use; it collects
// the output of the browser process.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// tail returns at most the last n bytes written.
func (s *syncBuffer) tail(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buf.Bytes()
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// SetSelect chooses value in the <select> that matches sel and fires the
// change event, as a person picking an option does.
func (b *Browser) SetSelect(sel, value string) {
	b.t.Helper()
	qs, _ := json.Marshal(sel)
	qv, _ := json.Marshal(value)
	js := fmt.Sprintf(`(() => {
	const el = document.querySelector(%s);
	if (!el) throw new Error("no element matches the selector");
	el.value = %s;
	el.dispatchEvent(new Event("change", {bubbles: true}));
	return true;
})()`, qs, qv)
	b.do(fmt.Sprintf("select %q in %q", value, sel), chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](js)(ctx, t)
			return err
		}))
}

// WaitText waits until the element that matches sel contains want (for
// example after a navigation that a click or a change started).
func (b *Browser) WaitText(sel, want string) {
	b.t.Helper()
	qs, _ := json.Marshal(sel)
	qw, _ := json.Marshal(want)
	js := fmt.Sprintf(`(() => { const el = document.querySelector(%s); return !!el && el.innerText.includes(%s); })()`, qs, qw)
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("browsertest: %q never contained %q (last error %v)", sel, want, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// PrintPDF prints the current page as a person's print dialog does, with
// the paper size and margins of the page's CSS @page rule (Letter when it
// has none), and returns the PDF.
func (b *Browser) PrintPDF() []byte {
	b.t.Helper()
	cssSize := true
	return run(b, "print to PDF", func(ctx context.Context, _ *chromedp.Target) ([]byte, error) {
		res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &cssSize})
		return res.Data, err
	})
}

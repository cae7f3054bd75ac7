package reliability_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"jiedai/internal/demo"
	"jiedai/internal/store"
)

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary builds the jiedai command once per test run and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "jiedai-reliability-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "jiedai")
		out, err := exec.Command("go", "build", "-o", binPath, "jiedai/cmd/jiedai").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build jiedai: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// jiedai runs a one-shot subcommand and returns its combined output.
func jiedai(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, binary(t), args...).CombinedOutput()
	return string(out), err
}

// mustJiedai runs a subcommand that must succeed.
func mustJiedai(t *testing.T, args ...string) string {
	t.Helper()
	out, err := jiedai(t, args...)
	if err != nil {
		t.Fatalf("jiedai %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// lockedBuf collects a subprocess's output for diagnostics.
type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuf) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// proc is a running `jiedai serve`.
type proc struct {
	URL    string
	cmd    *exec.Cmd
	log    *lockedBuf
	exited chan struct{}
}

var listenRE = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

// serve starts `jiedai serve` on a free port of 127.0.0.1 and waits until it
// answers /readyz. The process is killed when the test ends.
func serve(t *testing.T, dsn string) *proc {
	t.Helper()
	cmd := exec.Command(binary(t), "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "JIEDAI_DB=", "JIEDAI_ADDR=")
	p := &proc{cmd: cmd, log: &lockedBuf{}, exited: make(chan struct{})}
	cmd.Stderr = p.log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start jiedai serve: %v", err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			p.log.Write([]byte(line + "\n"))
			if m := listenRE.FindStringSubmatch(line); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(p.exited) }()
	t.Cleanup(p.kill)
	select {
	case p.URL = <-urls:
	case <-p.exited:
		t.Fatalf("jiedai serve exited at start:\n%s", p.log.String())
	case <-time.After(30 * time.Second):
		p.kill()
		t.Fatalf("jiedai serve did not start in 30 s:\n%s", p.log.String())
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(p.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("jiedai serve not ready: %v\n%s", err, p.log.String())
		}
	}
	return p
}

// kill sends SIGKILL to the server process (by its id) and waits for it.
func (p *proc) kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// client talks JSON to one server with a bearer token.
type client struct {
	base  string
	token string
	http  *http.Client
}

func newClient(base string) *client {
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	return &client{base: base, http: &http.Client{Transport: tr, Timeout: 20 * time.Second}}
}

// do sends a JSON request and returns the status and body; err is a
// transport error (the server is gone).
func (c *client) do(method, path string, body any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// login gets a token for a demo user.
func (c *client) login(t *testing.T, username string) {
	t.Helper()
	st, body, err := c.do(http.MethodPost, "/api/v1/tokens", map[string]string{"username": username, "password": demo.Password})
	if err != nil || st != http.StatusCreated {
		t.Fatalf("token for %s: %d %v %s", username, st, err, body)
	}
	var out struct{ Token string }
	if err := json.Unmarshal(body, &out); err != nil || out.Token == "" {
		t.Fatalf("token for %s: %s", username, body)
	}
	c.token = out.Token
}

// createVenue makes a venue open all day, every day, with the buffers given.
func (c *client) createVenue(t *testing.T, name string, buffer int) int64 {
	t.Helper()
	st, body, err := c.do(http.MethodPost, "/api/v1/venues", map[string]any{"name": name, "capacity": 40,
		"open_from_min": 0, "open_to_min": 1440, "open_days": 127, "buffer_before_min": buffer, "buffer_after_min": buffer})
	if err != nil || st != http.StatusCreated {
		t.Fatalf("create venue %s: %d %v %s", name, st, err, body)
	}
	var v struct{ ID int64 }
	if err := json.Unmarshal(body, &v); err != nil || v.ID == 0 {
		t.Fatalf("create venue: %s", body)
	}
	return v.ID
}

// slot is a booking's venue and time, as the server answered it.
type slot struct {
	ID      int64     `json:"id"`
	VenueID int64     `json:"venue_id"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Status  string    `json:"status"`
}

func bookingBody(venueID int64, start time.Time, minutes int, title string) map[string]any {
	return map[string]any{"venue_id": venueID, "start": start.Format(time.RFC3339), "end": start.Add(time.Duration(minutes) * time.Minute).Format(time.RFC3339),
		"title": title, "headcount": 8}
}

// openDB opens the database directly (beside any running server).
func openDB(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.OpenNoMigrate(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// overlaps counts pairs of active bookings of one venue whose blocked
// ranges intersect: the database must never hold one.
func overlaps(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM bookings a JOIN bookings b
		ON a.venue_id = b.venue_id AND a.id < b.id AND a.active AND b.active
		AND a.block_start < b.block_end AND b.block_start < a.block_end`).Scan(&n)
	if err != nil {
		t.Fatalf("overlap query: %v", err)
	}
	return n
}

// integrity runs SQLite's integrity and foreign-key checks.
func integrity(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Query(ctx, `PRAGMA integrity_check`)
	if err != nil {
		t.Fatalf("integrity_check: %v", err)
	}
	var res []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		res = append(res, s)
	}
	rows.Close()
	if len(res) != 1 || res[0] != "ok" {
		t.Fatalf("integrity_check: %q", res)
	}
	rows, err = db.Query(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatalf("foreign_key_check: %v", err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Fatal("foreign_key_check reports violations")
	}
}

package caldav_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"jiedai/internal/storetest"
)

// RequireClientsEnv makes missing outside CalDAV clients fail the test
// instead of skipping it (set in CI, which installs them).
const RequireClientsEnv = "JIEDAI_REQUIRE_CALDAV_CLIENTS"

//go:embed testdata/client.py
var clientScript []byte

// need returns what find finds, or skips (fails under RequireClientsEnv).
func need(t *testing.T, what string, find func() (string, bool)) string {
	t.Helper()
	p, ok := find()
	if !ok {
		msg := what + " not found: apt-get install python3-caldav vdirsyncer to run this test"
		if os.Getenv(RequireClientsEnv) != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// debianPython is a Python that imports caldav (Debian's, not another one
// first on PATH).
func debianPython() (string, bool) {
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import caldav").Run() == nil {
			return p, true
		}
	}
	return "", false
}

func TestOutsideClients(t *testing.T) {
	py := need(t, "python3-caldav", debianPython)
	vdir := need(t, "vdirsyncer", func() (string, bool) { p, err := exec.LookPath("vdirsyncer"); return p, err == nil })
	e := newEnv(t, storetest.NewTestDB(t, "sqlite"))
	first := e.book(t, 2, "外部客户端 初次")
	ctx := context.Background()

	dir := t.TempDir()
	script := filepath.Join(dir, "client.py")
	if err := os.WriteFile(script, clientScript, 0o644); err != nil {
		t.Fatal(err)
	}
	runPy := func(args ...string) map[string]any {
		t.Helper()
		out, err := exec.Command(py, append([]string{script, e.srv.URL + "/dav/", "staff", e.token}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("python3-caldav %v: %v\n%s", args, err, out)
		}
		var res map[string]any
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("python3-caldav %v: %v\n%s", args, err, out)
		}
		return res
	}
	cfg := filepath.Join(dir, "vdirsyncer.conf")
	local := filepath.Join(dir, "cals")
	conf := `[general]
status_path = "` + filepath.Join(dir, "status") + `/"

[pair jiedai]
a = "local"
b = "remote"
collections = ["from b"]
conflict_resolution = "b wins"

[storage local]
type = "filesystem"
path = "` + local + `/"
fileext = ".ics"

[storage remote]
type = "caldav"
url = "` + e.srv.URL + `/.well-known/caldav"
username = "staff"
password = "` + e.token + `"
read_only = true
`
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	runVdir := func(args ...string) {
		t.Helper()
		cmd := exec.Command(vdir, append([]string{"-c", cfg}, args...)...)
		cmd.Stdin = strings.NewReader(strings.Repeat("y\n", 50))
		cmd.Env = append(os.Environ(), "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("vdirsyncer %v: %v\n%s", args, err, out)
		}
	}
	localFiles := func() string {
		t.Helper()
		names, _ := filepath.Glob(filepath.Join(local, "mine", "*.ics"))
		var all strings.Builder
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			all.Write(b)
		}
		return all.String()
	}

	// Discover, list and sync.
	got := runPy("list")
	if !strings.HasSuffix(got["principal"].(string), "/dav/u"+itoa(e.staff.UserID)+"/") {
		t.Errorf("principal: %v", got["principal"])
	}
	if cals, _ := json.Marshal(got["calendars"]); !strings.Contains(string(cals), e.room.Name) {
		t.Errorf("calendars: %s", cals)
	}
	if ev, _ := json.Marshal(got["events"]); !strings.Contains(string(ev), "外部客户端 初次") {
		t.Errorf("events: %s", ev)
	}
	token, _ := got["token"].(string)
	if token == "" {
		t.Fatalf("no sync token: %v", got)
	}
	runVdir("discover", "jiedai")
	runVdir("sync")
	if s := localFiles(); !strings.Contains(s, "外部客户端 初次") {
		t.Fatalf("vdirsyncer's first sync lacks the booking:\n%s", s)
	}

	// A booking made afterwards appears, a cancelled one disappears.
	e.book(t, 4, "外部客户端 新增")
	if _, err := e.app.Bookings.Cancel(ctx, e.staff, first.ID, "改期", false); err != nil {
		t.Fatal(err)
	}
	got = runPy("sync", token)
	if ch, _ := json.Marshal(got["changed"]); !strings.Contains(string(ch), "外部客户端 新增") || strings.Contains(string(ch), "外部客户端 初次") {
		t.Errorf("python3-caldav changed: %s", ch)
	}
	if del, _ := json.Marshal(got["deleted"]); !strings.Contains(string(del), "booking-"+itoa(first.ID)+".ics") {
		t.Errorf("python3-caldav deleted: %s", del)
	}
	runVdir("sync")
	s := localFiles()
	if !strings.Contains(s, "外部客户端 新增") || strings.Contains(s, "外部客户端 初次") {
		t.Errorf("vdirsyncer after the change:\n%s", s)
	}
}

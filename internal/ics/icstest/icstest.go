// Package icstest checks calendar files with libical, a validator nobody
// here wrote: a tiny C program (testdata/icalcheck.c) built against the
// system's libical parses each file and applies libical's RFC 5546 (iTIP)
// restriction check.
package icstest

import (
	_ "embed"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

//go:embed testdata/icalcheck.c
var checkSource []byte

// RequireEnv makes a missing libical fail the test instead of skipping it
// (set in CI, which installs libical-dev).
const RequireEnv = "JIEDAI_REQUIRE_LIBICAL"

// Libical is the built checker.
type Libical struct{ bin string }

// New builds the checker, or skips the test (saying so) when gcc or
// libical's development files are absent and RequireEnv is not set.
func New(t testing.TB) *Libical {
	t.Helper()
	flags, err := exec.Command("pkg-config", "--cflags", "--libs", "libical").Output()
	if err == nil {
		_, err = exec.LookPath("gcc")
	}
	if err != nil {
		msg := "libical check skipped: gcc or libical (pkg-config libical) not found; apt-get install libical-dev to run it"
		if os.Getenv(RequireEnv) != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "icalcheck.c")
	if err := os.WriteFile(src, checkSource, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "icalcheck")
	args := append([]string{"-o", bin, src}, strings.Fields(string(flags))...)
	if out, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
		t.Fatalf("build libical checker: %v\n%s", err, out)
	}
	return &Libical{bin: bin}
}

// Check fails t with libical's complaints unless it accepts data, a whole
// calendar file; name labels it in messages.
func (l *Libical) Check(t testing.TB, name string, data []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), filepath.Base(name))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(l.bin, path).CombinedOutput()
	if err != nil {
		t.Errorf("libical rejects %s: %v\n%s\n%s", name, err, out, data)
	}
}

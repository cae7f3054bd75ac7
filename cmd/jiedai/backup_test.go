package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackupRestoreCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, copyPath, restored := filepath.Join(dir, "j.db"), filepath.Join(dir, "copy.db"), filepath.Join(dir, "r.db")
	if err := run(ctx, []string{"demo", "--db", db}, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"backup", "--db", db, "--to", copyPath}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "written to") {
		t.Fatalf("backup: %v %q", err, out.String())
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"backup", "--db", db, "--to", copyPath}, "exists"},
		{[]string{"backup", "--db", db}, "--to"},
		{[]string{"restore", "--db", restored}, "--from"},
		{[]string{"restore", "--from", copyPath, "--db", db}, "--force"},
		{[]string{"backup", "--db", "postgres://u@127.0.0.1/x", "--to", "x.dump"}, "pg_dump"},
		{[]string{"restore", "--db", "postgres://u@127.0.0.1/x", "--from", "x.dump"}, "pg_restore"},
	} {
		err := run(ctx, c.args, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error naming %s", c.args, err, c.want)
		}
	}
	out.Reset()
	if err := run(ctx, []string{"restore", "--from", copyPath, "--db", restored}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "restored into") {
		t.Fatalf("restore: %v %q", err, out.String())
	}
	if err := run(ctx, []string{"restore", "--force", "--from", copyPath, "--db", restored}, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("restore --force: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"help"}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "jiedai backup") || !strings.Contains(out.String(), "jiedai restore") {
		t.Errorf("usage lacks backup and restore: %q", out.String())
	}
}

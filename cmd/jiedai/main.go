// Command jiedai runs the Jiedai server and its administration commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/auth"
	"jiedai/internal/clock"
	"jiedai/internal/demo"
	"jiedai/internal/errs"
	"jiedai/internal/server"
	"jiedai/internal/store"
)

const usage = `jiedai — client reception and venue operations

Usage:
  jiedai serve   [--addr 127.0.0.1:8080] [--db PATH|postgres://DSN] [--demo]
                 [--trusted-proxy-header X-Forwarded-For] [--login-hashes N]
  jiedai migrate [--db …]
  jiedai user add [--db …] --username U --roles r1,r2 [--department CODE] [--name N] --password-stdin
  jiedai demo    [--db …]            load the demo organisation (idempotent)
  jiedai backup  [--db …] --to FILE  consistent copy of the SQLite database, also while it serves
  jiedai restore [--db …] --from FILE [--force]
                                     bring a backup back (a non-empty database only with --force;
                                     stop the server first). PostgreSQL: pg_dump / pg_restore
  jiedai version

--db defaults to $JIEDAI_DB, then ./jiedai.db (SQLite).
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "jiedai:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, args[1:], stdout)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			fmt.Fprint(stderr, usage)
			return errors.New("usage: jiedai user add …")
		}
		return cmdUserAdd(ctx, args[2:], stdin, stdout)
	case "demo":
		return cmdDemo(ctx, args[1:], stdout)
	case "backup":
		return cmdBackup(ctx, args[1:], stdout)
	case "restore":
		return cmdRestore(ctx, args[1:], stdout)
	case "version":
		fmt.Fprintln(stdout, "jiedai", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", ""
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			return "0.1.0 (" + rev + dirty + ", " + bi.GoVersion + ")"
		}
		return "0.1.0 (" + bi.GoVersion + ")"
	}
	return "0.1.0"
}

func dbFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("JIEDAI_DB")
	if def == "" {
		def = "jiedai.db"
	}
	return fs.String("db", def, "SQLite file path or postgres:// DSN (env JIEDAI_DB)")
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func cmdMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	db := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	v, err := d.Versions(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %s is at migration %s (%d applied)\n", d.Dialect(), v[len(v)-1], len(v))
	return nil
}

func openApp(ctx context.Context, dsn string, log *slog.Logger, cfg app.Config) (*app.App, error) {
	d, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	a, err := app.New(ctx, d, clock.System{}, log, cfg)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

func cmdDemo(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	db := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openApp(ctx, *db, newLogger(io.Discard), app.Config{Demo: true, DemoPassword: demo.Password})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := demo.Load(ctx, a); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "demo organisation loaded")
	return nil
}

func cmdBackup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	db := dbFlag(fs)
	to := fs.String("to", "", "file to write the copy to (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if store.IsPostgres(*db) {
		return store.ErrPostgresBackup
	}
	if *to == "" {
		return errors.New("backup: --to FILE is required")
	}
	d, err := store.OpenNoMigrate(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	start := time.Now()
	if err := d.Backup(ctx, *to); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup of %s written to %s (checked, %s)\n", *db, *to, time.Since(start).Round(time.Millisecond))
	return nil
}

func cmdRestore(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	db := dbFlag(fs)
	from := fs.String("from", "", "backup file written by jiedai backup")
	force := fs.Bool("force", false, "replace a database that is not empty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if store.IsPostgres(*db) {
		return store.ErrPostgresBackup
	}
	if *from == "" {
		return errors.New("restore: --from FILE is required")
	}
	if err := store.Restore(ctx, *from, *db, *force); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s restored into %s\n", *from, *db)
	return nil
}

func cmdUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	db := dbFlag(fs)
	username := fs.String("username", "", "login name")
	roles := fs.String("roles", "", "comma-separated roles: "+strings.Join(access.AllRoles, ","))
	dept := fs.String("department", "", "department code")
	name := fs.String("name", "", "display name")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*pwStdin {
		return errors.New("--password-stdin is required (the password is read from standard input)")
	}
	pw, err := io.ReadAll(io.LimitReader(stdin, 1024))
	if err != nil {
		return fmt.Errorf("read password: %w", err)
	}
	a, err := openApp(ctx, *db, newLogger(io.Discard), app.Config{})
	if err != nil {
		return err
	}
	defer a.Close()
	in := auth.UserInput{Username: *username, DisplayName: *name, Password: strings.TrimRight(string(pw), "\r\n")}
	for _, r := range strings.Split(*roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			in.Roles = append(in.Roles, r)
		}
	}
	if *dept != "" {
		d, err := a.Auth.DepartmentByCode(ctx, *dept)
		if err != nil {
			return fmt.Errorf("department %q: %w", *dept, err)
		}
		in.DepartmentID = d.ID
	}
	u, err := a.Auth.Create(ctx, access.SystemActor(), in)
	if err != nil {
		return fmt.Errorf("add user: %s", errText(a, err))
	}
	fmt.Fprintf(stdout, "user %s created (id %d, roles %s)\n", u.Username, u.ID, strings.Join(u.Roles, ","))
	return nil
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", envOr("JIEDAI_ADDR", "127.0.0.1:8080"), "listen address")
	baseURL := fs.String("base-url", os.Getenv("JIEDAI_BASE_URL"), "public URL for links in e-mail and robot messages, e.g. https://jiedai.example.cn (overrides the one in the site settings)")
	db := dbFlag(fs)
	demoFlag := fs.Bool("demo", false, "load the demo organisation and show demo accounts on the login page")
	secure := fs.Bool("secure-cookies", os.Getenv("JIEDAI_SECURE_COOKIES") == "1", "mark cookies Secure (serve behind TLS)")
	tz := fs.String("tz", envOr("JIEDAI_TZ", "Asia/Shanghai"), "site time zone")
	proxyHeader := fs.String("trusted-proxy-header", os.Getenv("JIEDAI_TRUSTED_PROXY_HEADER"), "header in which the reverse proxy in front gives the client address, e.g. X-Forwarded-For (only behind such a proxy)")
	hashes := fs.Int("login-hashes", 0, "password hashes run at once; more log-ins wait briefly or get 429 (0: one per core)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *hashes < 0 {
		return errors.New("--login-hashes must be 0 or more")
	}
	start := time.Now()
	log := newLogger(stderr)
	cfg := app.Config{Demo: *demoFlag, SecureCookies: *secure, TimeZone: *tz, BaseURL: *baseURL, TrustedProxyHeader: *proxyHeader, LoginHashes: *hashes}
	if *demoFlag {
		cfg.DemoPassword = demo.Password
	}
	a, err := openApp(ctx, *db, log, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if *demoFlag {
		if err := demo.Load(ctx, a); err != nil {
			return err
		}
	}
	a.WarnPublicURL(ctx)
	h, err := server.Handler(a)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 1 << 20}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	bg := a.StartBackground(ctx)
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "Jiedai %s listening on %s (database: %s, ready in %s)\n", version(), url, a.DB.Dialect(), time.Since(start).Round(time.Millisecond))
	if *demoFlag {
		names, err := demo.Accounts(ctx, a)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Demo accounts (password %q): %s\n", demo.Password, strings.Join(names, ", "))
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	bg()
	return err
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// errText renders a domain error in English for the terminal.
func errText(a *app.App, err error) string {
	e := errs.As(err)
	msg := a.I18n.T("en", e.Key, e.Args)
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Kind == errs.Internal {
		msg += " (" + err.Error() + ")"
	}
	return msg
}

package web

import (
	"jiedai/internal/post"
	"net/http"
	"strconv"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/auth"
	"jiedai/internal/demo"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/notify"
)

func (s *Server) routesAuth(mux *http.ServeMux) {
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.loginSubmit)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("POST /lang", s.switchLang)
	mux.HandleFunc("GET /account", s.authed(s.account))
	mux.HandleFunc("POST /account/password", s.authed(s.changePassword))
	mux.HandleFunc("POST /account/tokens", s.authed(s.createToken))
	mux.HandleFunc("POST /account/tokens/{id}/revoke", s.authed(s.revokeToken))
}

// DemoAccount is shown on the login page in demo mode.
type DemoAccount struct {
	Username string
	Role     string
}

type loginData struct {
	Next     string
	Accounts []DemoAccount
	Password string
}

func (s *Server) loginPage(r *http.Request) *Page {
	d := loginData{Next: safeNext(r.FormValue("next"))}
	if s.app.Config.Demo {
		d.Password = s.app.Config.DemoPassword
		if names, err := demo.Accounts(r.Context(), s.app); err == nil {
			for _, n := range names {
				d.Accounts = append(d.Accounts, DemoAccount{Username: n, Role: n})
			}
		}
	}
	return s.newPage(r, "login.title", "", d)
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if userFrom(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", s.loginPage(r))
}

// maxLoginBody bounds a log-in form: a user name, a password and where to go next.
const maxLoginBody = 16 << 10

// limitLoginBody bounds the body of a log-in post before anything reads it
// (the session middleware parses every form).
func limitLoginBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/login" {
			r.Body = http.MaxBytesReader(w, r.Body, maxLoginBody)
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "err.bad_request")
		return
	}
	u, err := s.app.Auth.Authenticate(r.Context(), r.PostForm.Get("username"), r.PostForm.Get("password"), ClientIP(r))
	if err != nil {
		p := s.loginPage(r)
		r.PostForm.Del("password")
		s.fail(w, r, err, "login", p)
		return
	}
	tok, err := s.app.Auth.StartSession(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", HttpOnly: true, Secure: s.app.Config.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(auth.SessionTTL.Seconds())})
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
}

// maxNextLen bounds the page a log-in returns to.
const maxNextLen = 2048

// safeNext keeps redirects on this site (and short). Control characters are refused
// outright: browsers drop tabs and newlines from a Location, so "/\t/evil"
// would lead to //evil.
func safeNext(next string) string {
	if next == "" || len(next) > maxNextLen || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	return next
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		var a access.Actor
		if u := userFrom(r); u != nil {
			a = u.Actor(ClientIP(r))
		}
		if err := s.app.Auth.EndSession(r.Context(), a, c.Value); err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.app.Config.SecureCookies, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// switchLang remembers the language in a cookie and, when signed in, on the user.
func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	lang := r.FormValue("lang")
	if !i18n.Supported(lang) {
		s.renderError(w, r, http.StatusUnprocessableEntity, "err.invalid")
		return
	}
	if u := userFrom(r); u != nil {
		if err := s.app.Auth.SetLang(r.Context(), u.Actor(ClientIP(r)), lang); err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: s.app.Config.SecureCookies, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, safeNext(r.FormValue("next")), http.StatusSeeOther)
}

type accountData struct {
	Now      time.Time
	Tokens   []auth.Token
	NewToken string
	Prefs    notify.Prefs
	HasEmail bool
	Posts    []post.Holding // the posts (岗位) the user holds, held or will hold
}

func (s *Server) accountPage(r *http.Request, a access.Actor) (*Page, error) {
	toks, err := s.app.Auth.Tokens(r.Context(), a)
	if err != nil {
		return nil, err
	}
	prefs, err := s.app.Notify.Prefs(r.Context(), a.UserID)
	if err != nil {
		return nil, err
	}
	u, err := s.app.Auth.Get(r.Context(), a.UserID)
	if err != nil {
		return nil, err
	}
	d := &accountData{Now: s.app.Clock.Now(), Tokens: toks, Prefs: prefs, HasEmail: u.Email != ""}
	if a.IsStaff() {
		if d.Posts, err = s.app.Posts.UserPosts(r.Context(), a, a.UserID); err != nil {
			return nil, err
		}
	}
	return s.newPage(r, "account.title", "account", d), nil
}

func (s *Server) account(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.accountPage(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "account", p)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	current := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		current = c.Value
	}
	err := s.app.Auth.ChangePassword(r.Context(), a, r.PostForm.Get("old_password"), r.PostForm.Get("new_password"), current)
	if err != nil {
		p, perr := s.accountPage(r, a)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		r.PostForm.Del("old_password")
		r.PostForm.Del("new_password")
		s.fail(w, r, err, "account", p)
		return
	}
	redirect(w, r, "/account", "password_changed")
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	tok, err := s.issueToken(r, a)
	p, perr := s.accountPage(r, a)
	if perr != nil {
		s.fail(w, r, perr, "", nil)
		return
	}
	if err != nil {
		s.fail(w, r, err, "account", p)
		return
	}
	p.Data.(*accountData).NewToken = tok
	s.render(w, r, http.StatusOK, "account", p)
}

// issueToken creates a token from the account form: a name and the days
// until it expires (the default when left empty).
func (s *Server) issueToken(r *http.Request, a access.Actor) (string, error) {
	days := 0
	if v := strings.TrimSpace(r.PostForm.Get("expires_in_days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", errs.Field("expires_in_days", "err.token_days", "max", auth.MaxTokenDays)
		}
		days = n
	}
	tok, _, err := s.app.Auth.IssueTokenFor(r.Context(), a, strings.TrimSpace(r.PostForm.Get("name")), days)
	return tok, err
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.app.Auth.RevokeToken(r.Context(), a, id); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/account", "token_revoked")
}

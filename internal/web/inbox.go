package web

import (
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/i18n"
	"jiedai/internal/notify"
)

func (s *Server) routesInbox(mux *http.ServeMux) {
	mux.HandleFunc("GET /inbox", s.authed(s.inbox))
	mux.HandleFunc("POST /inbox/{id}/read", s.authed(s.inboxRead))
	mux.HandleFunc("POST /inbox/read-all", s.authed(s.inboxReadAll))
	mux.HandleFunc("POST /account/notify", s.authed(s.savePrefs))
	mux.HandleFunc("GET /admin/notify", s.authed(s.notifyAdmin, access.Admin))
	mux.HandleFunc("POST /admin/notify/smtp", s.authed(s.saveSMTP, access.Admin))
	mux.HandleFunc("POST /admin/notify/webhooks", s.authed(s.saveWebhook, access.Admin))
	mux.HandleFunc("POST /admin/notify/webhooks/{id}/delete", s.authed(s.deleteWebhook, access.Admin))
	mux.HandleFunc("POST /admin/notify/deliveries/{id}/retry", s.authed(s.retryDelivery, access.Admin))
}

type inboxItem struct {
	notify.Notification
	HTML template.HTML // the message, its words linked to what it is about and its own links as links
}

// inboxHTML writes a message for the inbox page: the words link to the
// record it is about, and a link inside the message (a calendar file) is
// a link of its own, named, not a raw address.
func inboxHTML(l *i18n.Localizer, n notify.Notification) template.HTML {
	args := make(map[string]any, len(n.Args))
	var links []string
	for k, v := range n.Args {
		if k != "title" && notify.IsLink(v) {
			args[k] = "\x00" + strconv.Itoa(len(links)) + "\x00"
			links = append(links, v.(string))
			continue
		}
		args[k] = v
	}
	var b strings.Builder
	for i, part := range strings.Split(l.TArgs(n.Key, args), "\x00") {
		if i%2 == 1 {
			j, _ := strconv.Atoi(part)
			if j < len(links) {
				label := l.T("inbox.open_link")
				if strings.Contains(links[j], ".ics") {
					label = l.T("inbox.calendar_file")
				}
				b.WriteString(`<a class="inline-link" href="` + html.EscapeString(links[j]) + `">` + html.EscapeString(label) + `</a>`)
			}
			continue
		}
		if part == "" {
			continue
		}
		if n.Link != "" {
			b.WriteString(`<a href="` + html.EscapeString(n.Link) + `">` + html.EscapeString(part) + `</a>`)
		} else {
			b.WriteString(html.EscapeString(part))
		}
	}
	return template.HTML(b.String())
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request, a access.Actor) {
	list, err := s.app.Notify.Inbox(r.Context(), a, 200)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.newPage(r, "inbox.title", "inbox", nil)
	items := make([]inboxItem, 0, len(list))
	for _, n := range list {
		items = append(items, inboxItem{Notification: n, HTML: inboxHTML(p.L, n)})
	}
	p.Data = items
	s.render(w, r, http.StatusOK, "inbox", p)
}

func (s *Server) inboxRead(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := parseID(r.PathValue("id"))
	if err := s.app.Notify.MarkRead(r.Context(), a, id); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if next := r.FormValue("next"); next != "" {
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return
	}
	redirect(w, r, "/inbox", "")
}

func (s *Server) inboxReadAll(w http.ResponseWriter, r *http.Request, a access.Actor) {
	if _, err := s.app.Notify.MarkAllRead(r.Context(), a); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/inbox", "all_read")
}

func (s *Server) savePrefs(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	p := notify.Prefs{Email: r.PostForm.Get("email") == "on", Webhook: r.PostForm.Get("webhook") == "on"}
	if err := s.app.Notify.SetPrefs(r.Context(), a, a.UserID, p); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/account", "saved")
}

type notifyAdminData struct {
	Webhooks   []notify.Webhook
	Deliveries []notify.Delivery
	Kinds      []string
	Status     string
}

func (s *Server) notifyAdminPage(r *http.Request, a access.Actor) (*Page, error) {
	smtp, err := s.app.Notify.LoadSMTP(r.Context(), a)
	if err != nil {
		return nil, err
	}
	hooks, err := s.app.Notify.Webhooks(r.Context(), a)
	if err != nil {
		return nil, err
	}
	status := r.URL.Query().Get("status")
	dels, err := s.app.Notify.Deliveries(r.Context(), a, notify.DeliveryFilter{Status: status, Limit: 100})
	if err != nil {
		return nil, err
	}
	p := s.newPage(r, "notifyadmin.title", "admin", &notifyAdminData{Webhooks: hooks, Deliveries: dels, Kinds: []string{"generic", "wecom", "dingtalk", "feishu"}, Status: status})
	p.Form = map[string][]string{"host": {smtp.Host}, "port": {portStr(smtp.Port)}, "username": {smtp.Username}, "from": {smtp.From}, "tls": {smtp.TLS}}
	if smtp.Enabled {
		p.Form.Set("enabled", "on")
	}
	return p, nil
}

func portStr(p int) string {
	if p == 0 {
		return ""
	}
	return strconv.Itoa(p)
}

func (s *Server) notifyAdmin(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.notifyAdminPage(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "admin_notify", p)
}

func (s *Server) saveSMTP(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	cur, err := s.app.Notify.LoadSMTP(r.Context(), a)
	if err == nil {
		port := 0
		if v := strings.TrimSpace(f.Get("port")); v != "" {
			if port, err = strconv.Atoi(v); err != nil {
				port = -1
			}
		}
		in := notify.SMTP{Enabled: f.Get("enabled") == "on", Host: f.Get("host"), Port: port, Username: f.Get("username"), Password: f.Get("password"), From: f.Get("from"), TLS: f.Get("tls")}
		if in.Password == "" {
			in.Password = cur.Password // an empty field keeps the stored password
		}
		_, err = s.app.Notify.SaveSMTP(r.Context(), a, in)
	}
	if err != nil {
		p, perr := s.notifyAdminPage(r, a)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		r.PostForm.Del("password")
		s.fail(w, r, err, "admin_notify", p)
		return
	}
	redirect(w, r, "/admin/notify", "saved")
}

func (s *Server) saveWebhook(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	in := notify.WebhookInput{Name: f.Get("name"), Kind: f.Get("kind"), URL: strings.TrimSpace(f.Get("url")), Secret: f.Get("secret"), ClearSecret: f.Get("clear_secret") == "on", Active: f.Get("active") == "on"}
	if _, err := s.app.Notify.SaveWebhook(r.Context(), a, id, in); err != nil {
		p, perr := s.notifyAdminPage(r, a)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		r.PostForm.Del("secret")
		s.fail(w, r, err, "admin_notify", p)
		return
	}
	redirect(w, r, "/admin/notify", "saved")
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := parseID(r.PathValue("id"))
	if err := s.app.Notify.DeleteWebhook(r.Context(), a, id); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/admin/notify", "deleted")
}

func (s *Server) retryDelivery(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := parseID(r.PathValue("id"))
	if err := s.app.Notify.RetryDelivery(r.Context(), a, id); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/admin/notify", "job_retried")
}

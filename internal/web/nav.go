package web

import "jiedai/internal/access"

// NavItem is one entry of the main navigation, shown to the roles listed
// (to every signed-in user when Roles is empty).
type NavItem struct {
	Key   string // matches Page.Nav to mark the active entry
	Href  string
	Label string // i18n key
	Roles []string
}

// navItems is the main navigation in display order; each area adds its entry.
func navItems() []NavItem {
	return []NavItem{
		{Key: "today", Href: "/", Label: "nav.today"},
		{Key: "receptions", Href: "/receptions", Label: "reception.nav"},
		{Key: "clients", Href: "/clients", Label: "client.nav", Roles: []string{access.Admin, access.Office, access.Supervisor, access.Receptionist, access.Engineering, access.Security, access.Service, access.Leasing, access.Finance, access.Audit, access.Legal, access.Executive, access.Manager, access.Staff}},
		{Key: "bookings", Href: "/bookings", Label: "booking.nav"},
		{Key: "venues", Href: "/venues", Label: "venue.nav"},
		{Key: "meetings", Href: "/meetings", Label: "meeting.nav", Roles: staffRoles()},
		{Key: "actions", Href: "/action-items", Label: "meeting.nav_actions", Roles: staffRoles()},
		{Key: "portal", Href: "/portal", Label: "portal.nav", Roles: []string{access.Client}},
		// The documents people sign are kept by those who issue them; everyone
		// else reaches what they must sign from their today page and inbox.
		{Key: "templates", Href: "/templates", Label: "doctemplate.nav", Roles: docKeepers},
		{Key: "acks", Href: "/acks", Label: "ack.nav", Roles: docKeepers},
		// One entry for money: the ledger's tabs and the fapiao, credit,
		// ageing, report and audit tabs are one tab bar.
		{Key: "billing", Href: "/billing", Label: "billing.nav", Roles: []string{access.Finance, access.Office, access.Audit, access.Executive}},
		{Key: "portal-billing", Href: "/portal/billing", Label: "books.nav_portal", Roles: []string{access.Client}},
		{Key: "inbox", Href: "/inbox", Label: "nav.inbox"},
		{Key: "admin", Href: "/admin/users", Label: "nav.admin", Roles: []string{access.Admin}},
		{Key: "audit", Href: "/admin/audit", Label: "nav.audit", Roles: []string{access.Admin, access.Executive, access.Audit}},
	}
}

// Menu returns the navigation entries the page's reader may see.
func (p *Page) Menu() []NavItem {
	if p.User == nil {
		return nil
	}
	var out []NavItem
	for _, n := range navItems() {
		if len(n.Roles) == 0 || p.Actor.Has(n.Roles...) {
			out = append(out, n)
		}
	}
	return out
}

// adminTabs are the administration pages beyond users and departments;
// each area that has admin settings adds its tab here.
func adminTabs() []NavItem {
	return []NavItem{
		{Key: "reception", Href: "/receptions/settings", Label: "reception.nav_settings", Roles: []string{access.Office}},
		{Key: "settings", Href: "/admin/settings", Label: "settings.tab"},
		{Key: "billing", Href: "/billing/settings", Label: "billing.settings.tab"},
		{Key: "calendar", Href: "/admin/calendar", Label: "calendar.tab"},
		{Key: "notify", Href: "/admin/notify", Label: "notifyadmin.tab"},
		{Key: "jobs", Href: "/admin/jobs", Label: "jobs.tab"},
	}
}

// staffRoles are every role but client.
func staffRoles() []string {
	var out []string
	for _, r := range access.AllRoles {
		if r != access.Client {
			out = append(out, r)
		}
	}
	return out
}

// docKeepers are the roles that keep document templates and follow who has
// signed them.
var docKeepers = []string{access.Admin, access.Office, access.Supervisor, access.Legal, access.Executive, access.Leasing}

package i18n_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"jiedai/internal/approval"
	"jiedai/internal/i18n"
	"jiedai/internal/notify"
	"jiedai/internal/notify/channel"
	"jiedai/internal/task"
)

var placeholderRE = regexp.MustCompile(`\{[a-z_]+\}`)

// TestCataloguesAgree checks that every key exists in all three languages
// with the same placeholders.
func TestCataloguesAgree(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	base := b.Keys(i18n.ZhHans)
	for _, lang := range i18n.Langs[1:] {
		if got := b.Keys(lang); !slices.Equal(got, base) {
			for _, k := range base {
				if !b.Has(lang, k) {
					t.Errorf("%s lacks %s", lang, k)
				}
			}
			for _, k := range got {
				if !b.Has(i18n.ZhHans, k) {
					t.Errorf("%s has extra key %s", lang, k)
				}
			}
		}
	}
	for _, k := range base {
		want := placeholders(b.T(i18n.ZhHans, k, nil))
		for _, lang := range i18n.Langs[1:] {
			if got := placeholders(b.T(lang, k, nil)); !slices.Equal(got, want) {
				t.Errorf("%s %s: placeholders %v, zh-Hans has %v", lang, k, got, want)
			}
		}
	}
}

func placeholders(s string) []string {
	p := placeholderRE.FindAllString(s, -1)
	slices.Sort(p)
	return slices.Compact(p)
}

// TestEngineKeysExist checks that every error key the engines return and
// every label they name dynamically is in the catalogues.
func TestEngineKeysExist(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{"notify.webhook_recipients": true, "notify.name_separator": true, "notify.test": true}
	errKey := regexp.MustCompile(`"(err\.[a-z0-9_.]+)"`)
	for _, dir := range []string{"../approval", "../task", "../jobs", "../notify", "../settings", "../workday/overrides"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no sources in %s: %v", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range errKey.FindAllStringSubmatch(string(src), -1) {
				keys[m[1]] = true
			}
		}
	}
	for _, s := range []string{approval.StatusPending, approval.StatusApproved, approval.StatusRejected, approval.StatusReturned, approval.StatusCancelled} {
		keys["approval.status."+s] = true
	}
	for _, a := range []string{approval.Approve, approval.Reject, approval.Return, "restart", "cancel"} {
		keys["approval.action."+a] = true
	}
	for _, k := range []string{approval.KindRole, approval.KindUser, approval.KindManager} {
		keys["approval.kind."+k] = true
	}
	for _, s := range task.Statuses {
		keys["task.status."+s] = true
	}
	for _, s := range []string{notify.StatusPending, notify.StatusSent, notify.StatusFailed} {
		keys["notify.delivery.status."+s] = true
	}
	for _, c := range []string{notify.ChannelEmail, notify.ChannelWebhook} {
		keys["notify.channel."+c] = true
	}
	for _, k := range channel.Kinds() {
		keys["notify.webhook_kind."+k] = true
	}
	if len(keys) < 40 {
		t.Fatalf("found only %d keys; is the scan broken?", len(keys))
	}
	for k := range keys {
		for _, lang := range i18n.Langs {
			if !b.Has(lang, k) {
				t.Errorf("%s: missing key %s", lang, k)
			}
		}
	}
}

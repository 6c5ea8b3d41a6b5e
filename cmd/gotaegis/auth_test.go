package main

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestAuthLoginStatusLogout(t *testing.T) {
	tempConfigDir(t)
	claims := fmt.Sprintf(`{"exp":%d,"https://missione/octolabs/io/tenantIds":"1,2"}`,
		time.Now().Add(time.Hour).Unix())
	token := "e30." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + ".sig"
	mux := http.NewServeMux()
	mux.HandleFunc("POST /universal-auth/device/code/auth", func(w http.ResponseWriter,
		_ *http.Request) {
		io.WriteString(w, `{"device_code":"d1","user_code":"WXYZ","verification_uri":`+
			`"https://login.example.com/device","interval":1,"expires_in":60}`)
	})
	mux.HandleFunc("POST /universal-auth/device/code/token", func(w http.ResponseWriter,
		_ *http.Request) {
		io.WriteString(w, `{"access_token":"`+token+`"}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	if _, _, err := runCmd(t, newConfigureCmd(), "regions", "add", "lab", srv.URL); err != nil {
		t.Fatal(err)
	}

	out, errOut, err := runCmd(t, newAuthCmd(), "login", "--region", "lab")
	if err != nil {
		t.Fatalf("auth login: %v", err)
	}
	if !strings.Contains(errOut, "https://login.example.com/device") ||
		!strings.Contains(errOut, "WXYZ") || !strings.Contains(out, "logged in to region lab") {
		t.Errorf("login printed %q and %q", out, errOut)
	}

	out, _, err = runCmd(t, newAuthCmd(), "status")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "lab") || !strings.Contains(out, "valid") ||
		strings.Contains(out, token) {
		t.Errorf("status printed %q", out)
	}

	if out, _, err = runCmd(t, newAuthCmd(), "logout", "--region", "lab"); err != nil ||
		!strings.Contains(out, "removed the cached token of region lab") {
		t.Fatalf("logout: %q, %v", out, err)
	}
	out, _, _ = runCmd(t, newAuthCmd(), "status")
	if !strings.Contains(out, "no cached tokens") {
		t.Errorf("status after logout printed %q", out)
	}
}

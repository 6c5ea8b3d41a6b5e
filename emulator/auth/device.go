package auth

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// deviceCodeTTL is how long a device code may be redeemed.
const deviceCodeTTL = 10 * time.Minute

// ActivatePath is where a person approves a device code: GET ActivatePath?user_code=CODE.
const ActivatePath = "/universal-auth/device/activate"

type deviceCode struct {
	userCode string
	expires  time.Time
	approved bool
}

// deviceAuthResponse is the device authorization response of RFC 8628, as Taegis sends it.
type deviceAuthResponse struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
	Interval                int    `json:"interval"`
	ExpiresIn               int    `json:"expires_in"`
}

// DeviceAuthHandler serves POST /universal-auth/device/code/auth: it starts a device-code
// login and answers the codes and the URL a person opens to approve it.
func (a *Authority) DeviceAuthHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
			return
		}
		dc := randomString(24)
		uc := strings.ToUpper(randomString(6))
		uc = strings.NewReplacer("-", "X", "_", "Y").Replace(uc)
		uc = uc[:4] + "-" + uc[4:]

		a.mu.Lock()
		now := a.cfg.Now()
		for k, d := range a.devices {
			if now.After(d.expires) {
				delete(a.devices, k)
			}
		}
		a.devices[dc] = &deviceCode{userCode: uc, expires: now.Add(deviceCodeTTL)}
		a.mu.Unlock()

		base := "http://" + r.Host + ActivatePath
		writeJSON(w, http.StatusOK, deviceAuthResponse{
			DeviceCode:              dc,
			UserCode:                uc,
			VerificationURI:         base,
			VerificationURIComplete: base + "?user_code=" + uc,
			Interval:                1,
			ExpiresIn:               int(deviceCodeTTL / time.Second),
		})
	})
}

// DeviceTokenHandler serves POST /universal-auth/device/code/token with a JSON or form body
// holding device_code. An approved code is exchanged for an access token once. Unless the
// Authority was configured for manual approval, a code is approved when it is first polled;
// otherwise the answer is authorization_pending until someone opens the verification URL.
func (a *Authority) DeviceTokenHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
			return
		}
		f, err := readFields(r)
		if err != nil {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", err.Error())
			return
		}
		code := f["device_code"]

		a.mu.Lock()
		d, ok := a.devices[code]
		switch {
		case !ok:
			a.mu.Unlock()
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant",
				"unknown device_code; start again with POST /universal-auth/device/code/auth")
			return
		case a.cfg.Now().After(d.expires):
			delete(a.devices, code)
			a.mu.Unlock()
			writeOAuthError(w, http.StatusBadRequest, "expired_token",
				"the device code has expired; start the login again")
			return
		case !d.approved && a.cfg.ManualDeviceApproval:
			a.mu.Unlock()
			writeOAuthError(w, http.StatusBadRequest, "authorization_pending",
				fmt.Sprintf("open %s?user_code=%s to approve this login", ActivatePath,
					d.userCode))
			return
		}
		delete(a.devices, code)
		a.mu.Unlock()
		a.writeToken(w, "user:"+d.userCode)
	})
}

// ActivateHandler serves GET ActivatePath?user_code=CODE: it approves the device code with that
// user code, standing in for the Taegis login page.
func (a *Authority) ActivateHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uc := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("user_code")))
		a.mu.Lock()
		found := false
		for _, d := range a.devices {
			if d.userCode == uc && !a.cfg.Now().After(d.expires) {
				d.approved = true
				found = true
			}
		}
		a.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !found {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, "no pending login has user code %q; start the login again\n", uc)
			return
		}
		fmt.Fprintf(w, "login %s approved; return to your terminal or notebook\n", uc)
	})
}

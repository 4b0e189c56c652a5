package auth

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Credential is the parsed Authorization header of a signed request.
type Credential struct {
	AK            string    // the Access field
	SignedHeaders []string  // lower-case header names, in order
	Signature     string    // hex signature
	Date          time.Time // X-Sdk-Date of the request
}

// ParseAuthorization parses the Authorization and X-Sdk-Date headers of a request signed
// with SDK-HMAC-SHA256 (e.g. by a server or simulator that checks signatures).
func ParseAuthorization(h http.Header) (Credential, error) {
	var c Credential
	v := h.Get(HeaderAuthorization)
	rest, ok := strings.CutPrefix(v, Algorithm+" ")
	if !ok {
		return c, fmt.Errorf("auth: Authorization header is not %s", Algorithm)
	}
	for _, part := range strings.Split(rest, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Access":
			c.AK = val
		case "SignedHeaders":
			c.SignedHeaders = strings.Split(val, ";")
		case "Signature":
			c.Signature = val
		}
	}
	if c.AK == "" || len(c.SignedHeaders) == 0 || c.Signature == "" {
		return c, errors.New("auth: Authorization header lacks Access, SignedHeaders or Signature")
	}
	date, err := time.Parse(DateFormat, h.Get(HeaderDate))
	if err != nil {
		return c, fmt.Errorf("auth: bad or missing %s header", HeaderDate)
	}
	c.Date = date
	return c, nil
}

// Verify checks the SDK-HMAC-SHA256 signature of a received request r whose body is body,
// against the key pair ak/sk. Only the headers listed in SignedHeaders are used (the Host
// header is taken from r.Host). It does not judge the age of X-Sdk-Date.
func Verify(r *http.Request, body []byte, ak, sk string) error {
	c, err := ParseAuthorization(r.Header)
	if err != nil {
		return err
	}
	if c.AK != ak {
		return errors.New("auth: signature made with another access key")
	}
	probe := &http.Request{Method: r.Method, URL: r.URL, Header: http.Header{}}
	for _, name := range c.SignedHeaders {
		if name == "host" {
			probe.Header.Set("Host", r.Host)
			continue
		}
		for k, vs := range r.Header {
			if strings.ToLower(k) == name {
				probe.Header[k] = append([]string(nil), vs...)
			}
		}
	}
	if ct, ok := r.Header["Content-Type"]; ok {
		probe.Header["Content-Type"] = ct
	}
	if err := Sign(probe, body, ak, sk, c.Date); err != nil {
		return err
	}
	want, _ := ParseAuthorization(probe.Header)
	if strings.Join(want.SignedHeaders, ";") != strings.Join(c.SignedHeaders, ";") {
		return errors.New("auth: signed header list does not match the request")
	}
	if !hmac.Equal([]byte(want.Signature), []byte(c.Signature)) {
		return errors.New("auth: signature does not match")
	}
	return nil
}

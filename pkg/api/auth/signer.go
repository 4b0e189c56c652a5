// Package auth authenticates requests to Huawei Cloud services: the AK/SK signature
// "SDK-HMAC-SHA256", a static IAM token, and an IAM token obtained with a user's password.
// Every scheme is an http.RoundTripper that wraps a base transport, so it runs once per
// attempt and a retried request is authenticated afresh.
package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Algorithm is the signing algorithm named in the Authorization header.
const Algorithm = "SDK-HMAC-SHA256"

// DateFormat is the layout of the X-Sdk-Date header (always UTC).
const DateFormat = "20060102T150405Z"

// Header names used by the signer.
const (
	HeaderDate          = "X-Sdk-Date"
	HeaderContentSHA256 = "X-Sdk-Content-Sha256"
	HeaderAuthorization = "Authorization"
	HeaderProjectID     = "X-Project-Id"
	HeaderSecurityToken = "X-Security-Token"
	HeaderAuthToken     = "X-Auth-Token"
)

// UnsignedPayload replaces the body hash when the body is not JSON (or BSON), as the
// official SDK does; it is also sent as the X-Sdk-Content-Sha256 header.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// Sign signs r with the access key ak and secret key sk at time now (zero = time.Now):
// it sets X-Sdk-Date and Authorization, and X-Sdk-Content-Sha256 for a non-JSON
// Content-Type. body must be the exact bytes r will send (nil for none). An Authorization
// header already on r is replaced, never signed. The signed headers are the headers in
// r.Header at the time of the call, minus Content-Type and names containing "_"; Host is
// signed only when r.Header carries it.
func Sign(r *http.Request, body []byte, ak, sk string, now time.Time) error {
	if ak == "" {
		return errors.New("auth: sign: access key (AK) is empty")
	}
	if sk == "" {
		return errors.New("auth: sign: secret key (SK) is empty")
	}
	if r == nil || r.URL == nil {
		return errors.New("auth: sign: request has no URL")
	}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	if now.IsZero() {
		now = time.Now()
	}
	date := now.UTC().Format(DateFormat)

	r.Header.Del(HeaderAuthorization)
	r.Header.Set(HeaderDate, date)
	if ct, ok := r.Header["Content-Type"]; ok && !isJSONContentType(first(ct)) {
		r.Header.Set(HeaderContentSHA256, UnsignedPayload)
	}

	query, err := canonicalQuery(r.URL.RawQuery)
	if err != nil {
		return err
	}
	headers, signed := canonicalHeaders(r.Header)
	canonical := strings.Join([]string{
		r.Method,
		canonicalURI(r.URL.Path),
		query,
		headers,
		signed,
		payloadHash(r.Header, body),
	}, "\n")

	crHash := sha256.Sum256([]byte(canonical))
	stringToSign := Algorithm + "\n" + date + "\n" + hex.EncodeToString(crHash[:])
	mac := hmac.New(sha256.New, []byte(sk))
	mac.Write([]byte(stringToSign))
	signature := hex.EncodeToString(mac.Sum(nil))

	r.Header.Set(HeaderAuthorization, fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s",
		Algorithm, ak, signed, signature))
	return nil
}

// isJSONContentType reports whether a Content-Type keeps the body hash in the signature.
func isJSONContentType(ct string) bool {
	return strings.Contains(ct, "application/json") || strings.Contains(ct, "application/bson")
}

// payloadHash is the last line of the canonical request: an explicit X-Sdk-Content-Sha256
// value, or the hex SHA-256 of the body.
func payloadHash(h http.Header, body []byte) string {
	if v, ok := h[HeaderContentSHA256]; ok {
		return first(v)
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// canonicalURI escapes every segment of the decoded path and always ends with "/".
func canonicalURI(path string) string {
	segments := strings.Split(path, "/")
	for i, s := range segments {
		segments[i] = escape(s)
	}
	uri := strings.Join(segments, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

// canonicalQuery sorts the decoded keys, then each key's values (by their raw bytes, before
// escaping), and joins escaped key=value pairs with "&".
func canonicalQuery(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return "", fmt.Errorf("auth: sign: parse query: %w", err)
	}
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(values)) {
		for _, v := range slices.Sorted(slices.Values(values[k])) {
			pairs = append(pairs, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(pairs, "&"), nil
}

// canonicalHeaders returns the canonical header block (each "name:value" line followed by
// "\n") and the ";"-joined list of signed header names.
func canonicalHeaders(h http.Header) (block, signed string) {
	byName := map[string][]string{}
	for name, vs := range h {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "content-type") || strings.Contains(name, "_") {
			continue
		}
		byName[lower] = append(byName[lower], vs...)
	}
	names := slices.Sorted(maps.Keys(byName))
	var b strings.Builder
	for _, name := range names {
		for _, v := range slices.Sorted(slices.Values(byName[name])) {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
	}
	return b.String(), strings.Join(names, ";")
}

// escape percent-encodes every byte except A-Z a-z 0-9 '_' '-' '~' '.', with upper-case hex.
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0x0f])
	}
	return b.String()
}

func unreserved(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	case c == '_', c == '-', c == '~', c == '.':
		return true
	}
	return false
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

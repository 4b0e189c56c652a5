package redact

// Structural masking: the values of headers and JSON fields that carry secrets by their name,
// whether or not the secret is known to a Redactor (the debug log of HTTP exchanges).

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"unicode"
)

// sensitiveHeaders are the canonical names of headers whose values are secrets.
var sensitiveHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"X-Auth-Token":        true,
	"X-Subject-Token":     true,
	"X-Security-Token":    true,
	"Cookie":              true,
	"Set-Cookie":          true,
}

// IsSensitiveHeader reports whether the header name carries a secret (Authorization,
// X-Auth-Token, X-Subject-Token, X-Security-Token, cookies).
func IsSensitiveHeader(name string) bool {
	return sensitiveHeaders[http.CanonicalHeaderKey(name)]
}

// Headers returns a copy of h in which the value of every sensitive header is replaced
// by "***"; an Authorization value keeps its scheme ("SDK-HMAC-SHA256 ***").
func Headers(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for name, vs := range h {
		if !IsSensitiveHeader(name) {
			out[name] = append([]string(nil), vs...)
			continue
		}
		red := make([]string, len(vs))
		for i, v := range vs {
			red[i] = Mask
			if scheme, _, ok := strings.Cut(strings.TrimSpace(v), " "); ok && strings.HasSuffix(name, "uthorization") {
				red[i] = scheme + " " + Mask
			}
		}
		out[name] = red
	}
	return out
}

// IsSensitiveKey reports whether a JSON field name holds a secret: it contains "password",
// "passwd", "secret", "token" or "credential" (any case), or one of its words is "sk" or "pwd"
// (words split at non-letters and camelCase humps: "user_sk", "userSk").
func IsSensitiveKey(key string) bool {
	lower := strings.ToLower(key)
	for _, s := range []string{"password", "passwd", "secret", "token", "credential"} {
		if strings.Contains(lower, s) {
			return true
		}
	}
	for _, w := range words(key) {
		if w == "sk" || w == "pwd" {
			return true
		}
	}
	return false
}

// words splits a key into lower-case words at non-alphanumerics and lower→upper humps.
func words(key string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range key {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return out
}

// JSON returns data with the value of every sensitive field (see IsSensitiveKey), at any
// depth, replaced by "***". Valid JSON comes back compacted; anything else is returned with
// `"key": "value"` pairs of sensitive keys masked as far as a pattern can find them.
func JSON(data []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out bytes.Buffer
	if err := redactValue(dec, &out); err != nil {
		return redactLoose(data)
	}
	if _, err := dec.Token(); err != io.EOF {
		return redactLoose(data)
	}
	return out.Bytes()
}

// redactValue copies the next JSON value from dec to out, masking sensitive fields.
func redactValue(dec *json.Decoder, out *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return writeScalar(out, tok)
	}
	switch delim {
	case '{':
		out.WriteByte('{')
		for i := 0; dec.More(); i++ {
			kt, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			if i > 0 {
				out.WriteByte(',')
			}
			if err := writeScalar(out, key); err != nil {
				return err
			}
			out.WriteByte(':')
			if IsSensitiveKey(key) {
				var skipped json.RawMessage
				if err := dec.Decode(&skipped); err != nil {
					return err
				}
				out.WriteString(`"` + Mask + `"`)
				continue
			}
			if err := redactValue(dec, out); err != nil {
				return err
			}
		}
		out.WriteByte('}')
	case '[':
		out.WriteByte('[')
		for i := 0; dec.More(); i++ {
			if i > 0 {
				out.WriteByte(',')
			}
			if err := redactValue(dec, out); err != nil {
				return err
			}
		}
		out.WriteByte(']')
	default:
		return &json.SyntaxError{}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

func writeScalar(out *bytes.Buffer, v any) error {
	if n, ok := v.(json.Number); ok {
		out.WriteString(n.String())
		return nil
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	out.Truncate(out.Len() - 1) // Encode's newline
	return nil
}

// reLoosePair finds `"key": "value"` and `"key": scalar` pairs in text that is not valid JSON.
var reLoosePair = regexp.MustCompile(`("([^"\\]|\\.)*"\s*:\s*)("([^"\\]|\\.)*"?|[^,}\]\s]+)`)

// redactLoose masks values of sensitive keys in malformed or truncated JSON.
func redactLoose(data []byte) []byte {
	return reLoosePair.ReplaceAllFunc(data, func(m []byte) []byte {
		sub := reLoosePair.FindSubmatch(m)
		key := strings.TrimSpace(string(sub[1]))
		key = strings.TrimSuffix(key, ":")
		key = strings.Trim(strings.TrimSpace(key), `"`)
		if !IsSensitiveKey(key) {
			return m
		}
		return append(append([]byte(nil), sub[1]...), `"`+Mask+`"`...)
	})
}

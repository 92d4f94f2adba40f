package booth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// PushBundle sends the bundle at path to the HQ server at baseURL, signed
// by is, and returns the server's JSON answer.
func PushBundle(ctx context.Context, client *http.Client, baseURL, path string, is *Issuer, now time.Time) (map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	size, err := io.Copy(h, f)
	if err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	nonce, err := Challenge(ctx, client, baseURL)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/bundles", f)
	if err != nil {
		return nil, Errorf(EINVALID, "%q is not a server address such as http://hq.local:8080.", baseURL)
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/octet-stream")
	is.SignRequest(req, h.Sum(nil), size, nonce, now)
	resp, err := client.Do(req)
	if err != nil {
		return nil, unreachable(baseURL, err)
	}
	defer resp.Body.Close()
	return answer(resp)
}

// Challenge fetches a fresh nonce from the HQ server at baseURL; each
// signed request answers one.
func Challenge(ctx context.Context, client *http.Client, baseURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/challenge", nil)
	if err != nil {
		return nil, Errorf(EINVALID, "%q is not a server address such as http://hq.local:8080.", baseURL)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, unreachable(baseURL, err)
	}
	defer resp.Body.Close()
	out, err := answer(resp)
	if err != nil {
		return nil, err
	}
	s, _ := out["nonce"].(string)
	nonce, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(nonce) != NonceSize {
		return nil, Errorf(EINVALID, "HQ's server answered %s, not a medibooth answer.", resp.Status)
	}
	return nonce, nil
}

// answer reads the server's JSON answer; a refusal becomes its sentence.
func answer(resp *http.Response) (map[string]any, error) {
	var out map[string]any
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out); err != nil {
		return nil, Errorf(EINVALID, "HQ's server answered %s, not a medibooth answer.", resp.Status)
	}
	if resp.StatusCode != http.StatusOK {
		reason, _ := out["reason"].(string)
		if reason == "" {
			reason = fmt.Sprintf("HQ's server refused the bundle (%s).", resp.Status)
		}
		return out, Errorf(ECONFLICT, "%s", reason)
	}
	return out, nil
}

// unreachable says why HQ's server could not be talked to: its certificate
// was not the pinned one, or it was not reached at all.
func unreachable(baseURL string, err error) error {
	var be *Error
	if errors.As(err, &be) {
		return be
	}
	return Errorf(EINVALID, "HQ's server at %s cannot be reached (%v); export to a USB stick instead.", baseURL, err)
}

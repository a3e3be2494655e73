package fidelis

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Pseudonym is the keyed pseudonym of a customer id: "p_" and the first 128 bits of
// HMAC-SHA256(key, id) in hex. The same key gives the same pseudonym in every kind and every
// import, so joins and counts are unchanged; without the key the id cannot be recovered or
// tested. 128 bits make a collision among even 10^12 ids improbable (p ≈ 10^-15).
func Pseudonym(key []byte, id string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	return "p_" + hex.EncodeToString(m.Sum(nil)[:16])
}

// ErasureHash is the erasure log's entry for a customer id: hex HMAC-SHA256 keyed by the store's
// random salt, so that the log lists nobody, yet an id can be checked against it.
func ErasureHash(salt []byte, id string) string {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))
}

// ErasureLog is a store's log of erased customers: its salt and, per ErasureHash, the time of
// the erasure. An import rejects records naming an erased customer, so that a later file does
// not bring them back.
type ErasureLog struct {
	Salt   []byte
	Erased map[string]time.Time
}

// ErasedAt returns when id was erased, if it was.
func (l ErasureLog) ErasedAt(id string) (time.Time, bool) {
	if len(l.Erased) == 0 {
		return time.Time{}, false
	}
	t, ok := l.Erased[ErasureHash(l.Salt, id)]
	return t, ok
}

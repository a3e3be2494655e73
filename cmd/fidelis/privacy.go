package main

import (
	"bytes"
	"flag"
	"os"

	"fidelis"
)

// keyEnv names the environment variable holding the pseudonymisation key.
const keyEnv = "FIDELIS_PSEUDONYM_KEY"

// pseudonymFlags choose pseudonymisation and where its key comes from. The key never reaches the
// store: only the pseudonyms it makes do.
type pseudonymFlags struct {
	on      bool
	keyFile string
}

func (p *pseudonymFlags) register(fs *flag.FlagSet, what string) {
	fs.BoolVar(&p.on, "pseudonymise", false, what+" (key from --pseudonymise-key FILE or $"+keyEnv+")")
	fs.StringVar(&p.keyFile, "pseudonymise-key", "", "file holding the pseudonymisation key (implies --pseudonymise)")
}

// key returns the key, or nil when pseudonymisation is off.
func (p *pseudonymFlags) key() ([]byte, error) {
	if !p.on && p.keyFile == "" {
		return nil, nil
	}
	var k []byte
	src := "$" + keyEnv
	if p.keyFile != "" {
		b, err := os.ReadFile(p.keyFile)
		if err != nil {
			return nil, fidelis.Errorf(fidelis.EInvalid, "--pseudonymise-key: %v", err)
		}
		k, src = bytes.TrimRight(b, "\r\n"), p.keyFile
	} else {
		k = []byte(os.Getenv(keyEnv))
	}
	if len(k) == 0 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "--pseudonymise needs a key").
			WithHint("head -c 32 /dev/urandom | base64 > fidelis.key, then --pseudonymise-key fidelis.key (keep it out of the store's folder and back it up: without it new imports cannot match old pseudonyms)")
	}
	if len(k) < 16 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "the pseudonymisation key in %s is %d bytes; a key needs at least 16", src, len(k)).
			WithHint("head -c 32 /dev/urandom | base64 > fidelis.key")
	}
	return k, nil
}

// pseudonyms maps ids through the key, if any.
func pseudonyms(key []byte, ids []string) []string {
	if key == nil {
		return ids
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fidelis.Pseudonym(key, id)
	}
	return out
}

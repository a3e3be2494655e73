// Package echarts embeds Apache ECharts (Apache-2.0; see LICENSE, NOTICE and LICENSE-d3), vendored
// from the npm registry at the version in VERSION by scripts/vendor-js.sh, which checks the
// package's integrity and writes the sha256 of each file to CHECKSUMS. Nothing here is edited by
// hand: the dashboard loads these files from the binary, never from a CDN.
package echarts

import "embed"

// FS holds the minified browser build (echarts.min.js), its English, Polish, Romanian and
// Latvian locales (langEN.js, langPL.js, langRO.js, langLV.js), the licences and CHECKSUMS.
//
//go:embed echarts.min.js langEN.js langPL.js langRO.js langLV.js LICENSE NOTICE LICENSE-d3 VERSION CHECKSUMS
var FS embed.FS

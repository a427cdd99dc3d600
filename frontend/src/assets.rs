//! The browser bundle's file names. The build names each file after its content
//! (`cho_ocop.3f2a9c1e.css`) so browsers may keep it for a year, and writes the names to
//! `pkg/manifest.txt`; the server reads that once and every page links the names it gives.

/// Where the page's stylesheet, island loader, JS glue and wasm are, as absolute paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assets {
    pub css: String,
    pub loader: String,
    pub js: String,
    pub wasm: String,
}

impl Default for Assets {
    /// The unhashed names, for a bundle built without a manifest.
    fn default() -> Self {
        Self {
            css: "/pkg/cho_ocop.css".to_owned(),
            loader: "/pkg/islands.js".to_owned(),
            js: "/pkg/cho_ocop.js".to_owned(),
            wasm: "/pkg/cho_ocop.wasm".to_owned(),
        }
    }
}

impl Assets {
    /// Reads `manifest.txt` lines of the form `css cho_ocop.3f2a9c1e.css`; a kind it does not
    /// name keeps its unhashed file.
    pub fn from_manifest(manifest: &str) -> Self {
        let mut assets = Self::default();
        for line in manifest.lines() {
            let Some((kind, file)) = line.trim().split_once(' ') else {
                continue;
            };
            let path = format!("/pkg/{}", file.trim());
            match kind {
                "css" => assets.css = path,
                "loader" => assets.loader = path,
                "js" => assets.js = path,
                "wasm" => assets.wasm = path,
                _ => {}
            }
        }
        assets
    }
}

#[cfg(test)]
mod tests {
    use super::Assets;

    #[test]
    fn the_manifest_names_each_file_and_the_rest_stay_unhashed() {
        let assets = Assets::from_manifest("css cho_ocop.1a2b.css\njs cho_ocop.3c4d.js\n\nbogus\n");
        assert_eq!(assets.css, "/pkg/cho_ocop.1a2b.css");
        assert_eq!(assets.js, "/pkg/cho_ocop.3c4d.js");
        assert_eq!(assets.wasm, "/pkg/cho_ocop.wasm");
        assert_eq!(assets.loader, "/pkg/islands.js");
    }
}

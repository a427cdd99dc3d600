//! Livestreams: platforms and their hosts, and the status computed from the schedule.

use chrono::{DateTime, Duration, Utc};

/// A stream with no announced end counts as live for this long after it starts.
pub const DEFAULT_LENGTH: Duration = Duration::hours(3);

/// The status a cancelled livestream shows (to its producer; buyers no longer see it).
pub const CANCELLED: &str = "cancelled";

wire_enum! {
    pub enum Platform {
        Facebook,
        Youtube,
        Tiktok,
        Shopee,
        Other,
    }
    else "phải là facebook, youtube, tiktok, shopee hoặc other"
}

impl Platform {
    /// The hosts (and their subdomains) a link on this platform may point to; `None`: any host.
    fn hosts(self) -> Option<&'static [&'static str]> {
        match self {
            Platform::Facebook => Some(&["facebook.com", "fb.watch", "fb.com"]),
            Platform::Youtube => Some(&["youtube.com", "youtu.be"]),
            Platform::Tiktok => Some(&["tiktok.com"]),
            Platform::Shopee => Some(&["shopee.vn"]),
            Platform::Other => None,
        }
    }
}

/// The host of an `https://` URL, lowercased; `None` for anything else.
fn https_host(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority
        .rsplit('@')
        .next()?
        .split(':')
        .next()?
        .to_lowercase();
    let valid = !host.is_empty()
        && host.contains('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    valid.then_some(host)
}

/// Checks a stream link against its platform: https, and on one of the platform's hosts.
pub fn check_url(platform: Platform, url: &str) -> Result<String, String> {
    let url = url.trim();
    if url.len() > 2000 {
        return Err("đường dẫn quá dài".into());
    }
    let host = https_host(url)
        .ok_or_else(|| "đường dẫn phải bắt đầu bằng https:// và có tên miền hợp lệ".to_owned())?;
    match platform.hosts() {
        None => Ok(url.to_owned()),
        Some(hosts)
            if hosts
                .iter()
                .any(|h| host == *h || host.ends_with(&format!(".{h}"))) =>
        {
            Ok(url.to_owned())
        }
        Some(hosts) => Err(format!(
            "đường dẫn {} phải thuộc {}",
            platform.as_str(),
            hosts.join(", ")
        )),
    }
}

wire_enum! {
    pub enum StreamStatus {
        Upcoming,
        Live,
        Past,
    }
    else "phải là upcoming, live hoặc past"
}

impl StreamStatus {
    pub fn derive(
        starts_at: DateTime<Utc>,
        ends_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StreamStatus {
        let ends = ends_at.unwrap_or(starts_at + DEFAULT_LENGTH);
        if now < starts_at {
            StreamStatus::Upcoming
        } else if now < ends {
            StreamStatus::Live
        } else {
            StreamStatus::Past
        }
    }
}

/// A YouTube link's video id, for an embedded player; other platforms open in their own app.
pub fn youtube_embed(url: &str) -> Option<String> {
    let host = https_host(url)?;
    let path = url
        .strip_prefix("https://")?
        .split_once('/')
        .map_or("", |(_, p)| p);
    let id = if host == "youtu.be" {
        path.split(['?', '#', '/']).next()
    } else if host == "youtube.com" || host.ends_with(".youtube.com") {
        if let Some(query) = path.strip_prefix("watch?") {
            query.split('&').find_map(|pair| pair.strip_prefix("v="))
        } else {
            path.strip_prefix("live/")
                .map(|p| p.split(['?', '#', '/']).next().unwrap_or(""))
        }
    } else {
        None
    }?;
    let valid = (6..=20).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| format!("https://www.youtube-nocookie.com/embed/{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_must_be_https_on_the_platforms_hosts() {
        for (platform, url) in [
            (
                Platform::Facebook,
                "https://www.facebook.com/htxhaodat/videos/123",
            ),
            (Platform::Facebook, "https://fb.watch/abc"),
            (Platform::Youtube, "https://youtu.be/dQw4w9WgXcQ"),
            (
                Platform::Youtube,
                "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
            ),
            (Platform::Tiktok, "https://www.tiktok.com/@htx/live"),
            (Platform::Shopee, "https://live.shopee.vn/share?id=1"),
            (Platform::Other, "https://zalo.me/live/1"),
        ] {
            assert!(check_url(platform, url).is_ok(), "{url}");
        }
        for (platform, url, why) in [
            (
                Platform::Youtube,
                "http://youtube.com/watch?v=abc",
                "not https",
            ),
            (
                Platform::Youtube,
                "https://youtube.com.evil.example/x",
                "lookalike host",
            ),
            (
                Platform::Facebook,
                "https://notfacebook.com/x",
                "suffix without a dot",
            ),
            (
                Platform::Tiktok,
                "https://user@evil.example/tiktok.com",
                "another host",
            ),
            (Platform::Other, "javascript:alert(1)", "not a web link"),
            (Platform::Other, "https:///nohost", "no host"),
        ] {
            assert!(check_url(platform, url).is_err(), "{url}: {why}");
        }
    }

    #[test]
    fn status_follows_the_schedule() {
        let start: DateTime<Utc> = "2026-12-01T12:00:00Z".parse().unwrap();
        let end = Some(start + Duration::hours(1));
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            StreamStatus::derive(start, end, at("2026-12-01T11:59:59Z")),
            StreamStatus::Upcoming
        );
        assert_eq!(
            StreamStatus::derive(start, end, at("2026-12-01T12:30:00Z")),
            StreamStatus::Live
        );
        assert_eq!(
            StreamStatus::derive(start, end, at("2026-12-01T13:00:00Z")),
            StreamStatus::Past
        );
        assert_eq!(
            StreamStatus::derive(start, None, at("2026-12-01T14:59:00Z")),
            StreamStatus::Live
        );
        assert_eq!(
            StreamStatus::derive(start, None, at("2026-12-01T15:00:00Z")),
            StreamStatus::Past
        );
    }

    #[test]
    fn only_youtube_links_embed() {
        assert_eq!(
            youtube_embed("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1").as_deref(),
            Some("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
        );
        assert!(youtube_embed("https://youtu.be/dQw4w9WgXcQ").is_some());
        assert!(youtube_embed("https://www.youtube.com/live/dQw4w9WgXcQ?si=x").is_some());
        assert!(youtube_embed("https://www.facebook.com/watch?v=123456").is_none());
        assert!(youtube_embed("https://www.youtube.com/watch?v=<script>").is_none());
    }
}

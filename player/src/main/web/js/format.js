// Small pure formatting helpers shared by the pages (and usable from node for tests).

/** 83.4 -> "1:23"; 3725 -> "1:02:05"; unknown -> "". */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) {
    return '';
  }
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return (h > 0 ? h + ':' : '') + mm + ':' + String(s).padStart(2, '0');
}

/** 12345678 -> "11.8 MB". */
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) {
    return '';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return (unit === 0 ? String(value) : value.toFixed(value < 10 ? 1 : 0)) + ' ' + units[unit];
}

/** A rung's short name as the origin's ladder calls it: the picture's short side, "720p". */
export function rungName(width, height) {
  if (!Number.isFinite(width) || !Number.isFinite(height) || width <= 0 || height <= 0) {
    return 'other';
  }
  return Math.min(width, height) + 'p';
}

/** The quality menu's label for a rung: "720p · 3000 kbps". */
export function rungLabel(width, height, kbps) {
  return rungName(width, height) + ' · ' + Math.round(kbps) + ' kbps';
}

/** 3456.7 -> "3.46 Mbps"; 850 -> "850 kbps". */
export function formatKbps(kbps) {
  if (!Number.isFinite(kbps) || kbps <= 0) {
    return '–';
  }
  return kbps >= 1000 ? (kbps / 1000).toFixed(2) + ' Mbps' : Math.round(kbps) + ' kbps';
}

/** What a viewer reads for a video's state. */
export function stateText(video) {
  switch (video.state) {
    case 'queued':
      return 'Waiting to encode';
    case 'encoding':
      return 'Encoding ' + Math.round((video.progress || 0) * 100) + ' %';
    case 'ready':
      return 'Ready';
    case 'failed':
      return 'Failed: ' + (video.error || 'the encode did not finish');
    default:
      return String(video.state || '');
  }
}

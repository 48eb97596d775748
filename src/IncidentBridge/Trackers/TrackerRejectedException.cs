namespace IncidentBridge.Trackers;

/// <summary>
/// The tracker refused the request itself (e.g. Jira 400 with field errors, a missing project, no permission).
/// The message carries the tracker's own error text; the item shows it and is retried after the configuration changes.
/// </summary>
internal sealed class TrackerRejectedException(string message, Exception? inner = null) : Exception(message, inner);

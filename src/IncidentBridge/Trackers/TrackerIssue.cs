namespace IncidentBridge.Trackers;

/// <summary>An issue in a tracker: its key (<c>PAY-123</c>, or the GitHub issue number), link and state (open, in-progress, done).</summary>
internal sealed record TrackerIssue(string Key, string Url, string Status);

namespace IncidentBridge.Postmortems;

/// <summary>A <c>**Name**: value</c> (or <c>**Name:** value</c>) line, as written.</summary>
internal readonly record struct MarkdownField(string Name, string Value);

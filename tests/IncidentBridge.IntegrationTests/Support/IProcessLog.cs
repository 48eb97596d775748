namespace IncidentBridge.IntegrationTests.Support;

/// <summary>A child process whose captured output a failing test shows.</summary>
internal interface IProcessLog
{
    string Name { get; }

    string Output { get; }
}

internal static class ProcessLogs
{
    /// <summary>The output of <paramref name="logs"/>, each under a header with its name, for a failure message.</summary>
    public static string Format(params IReadOnlyList<IProcessLog> logs)
    {
        var text = new StringBuilder();
        foreach (var log in logs)
        {
            text.AppendLine($"----- {log.Name} output -----").Append(log.Output);
        }

        return text.ToString();
    }
}

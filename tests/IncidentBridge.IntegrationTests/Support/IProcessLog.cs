namespace IncidentBridge.IntegrationTests.Support;

/// <summary>A child process whose captured output a failing test shows.</summary>
internal interface IProcessLog
{
    string Name { get; }

    string Output { get; }
}

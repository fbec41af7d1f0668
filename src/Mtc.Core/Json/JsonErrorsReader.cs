using System.Text;
using System.Text.Json;
using Mtc.Core.Model;

namespace Mtc.Core.Json;

/// <summary>
/// <c>MTConnectError</c>: the classic <c>Error</c> (<c>errorCode</c>, message in <c>value</c>) and the 2.6+ typed
/// errors (<c>OutOfRange</c>, <c>InvalidRequest</c>, ... with <c>ErrorMessage</c> and <c>QueryParameter</c>).
/// </summary>
internal static class JsonErrorsReader
{
    public static ErrorDocument Read(ref Utf8JsonReader reader, JsonSource source)
    {
        var envelope = new JsonEnvelope();
        var errors = new List<AgentError>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (envelope.TryRead(ref reader, source))
            {
                continue;
            }

            var isErrors = reader.ValueTextEquals("Errors"u8);
            reader.Read();
            if (isErrors)
            {
                JsonValues.Collection(ref reader, source, "Errors", (string element, ref Utf8JsonReader r) =>
                    errors.Add(ReadError(element, ref r, source)));
            }
            else
            {
                reader.Skip();
            }
        }

        return new ErrorDocument { Header = envelope.Header, Version = envelope.Version, Errors = errors };
    }

    private static AgentError ReadError(string element, ref Utf8JsonReader reader, JsonSource source)
    {
        JsonValues.ExpectObject(ref reader, source, element);
        string? code = null, message = null;
        QueryParameter? parameter = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = source.Strings.Get(ref reader);
            reader.Read();
            switch (property)
            {
                case "errorCode": code = JsonValues.Text(ref reader, source, property); break;
                case "value" or "ErrorMessage": message = JsonValues.Text(ref reader, source, property); break;
                case "QueryParameter": parameter = ReadParameter(ref reader, source); break;
                default: reader.Skip(); break;
            }
        }

        var typed = element != "Error";
        return new AgentError(code ?? (typed ? CodeOf(element) : string.Empty), message ?? string.Empty)
        {
            ElementName = typed ? element : null,
            Parameter = parameter,
        };
    }

    private static QueryParameter ReadParameter(ref Utf8JsonReader reader, JsonSource source)
    {
        JsonValues.ExpectObject(ref reader, source, "QueryParameter");
        string? name = null, value = null;
        long? minimum = null, maximum = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = source.Strings.Get(ref reader);
            reader.Read();
            switch (property)
            {
                case "name": name = JsonValues.Text(ref reader, source, property); break;
                case "Value": value = JsonValues.Text(ref reader, source, property); break;
                case "Minimum": minimum = JsonValues.Long(ref reader, source, property); break;
                case "Maximum": maximum = JsonValues.Long(ref reader, source, property); break;
                default: reader.Skip(); break;
            }
        }

        return new QueryParameter(name ?? string.Empty, value, minimum, maximum);
    }

    /// <summary>The errorCode a typed element stands for: <c>OutOfRange</c> → <c>OUT_OF_RANGE</c>.</summary>
    private static string CodeOf(string element)
    {
        var code = new StringBuilder(element.Length + 4);
        for (var i = 0; i < element.Length; i++)
        {
            if (i > 0 && char.IsUpper(element[i]))
            {
                code.Append('_');
            }

            code.Append(char.ToUpperInvariant(element[i]));
        }

        return code.ToString();
    }
}

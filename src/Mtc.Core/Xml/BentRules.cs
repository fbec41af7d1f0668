using System.Xml;
using Mtc.Core.Model;
using Mtc.Core.Text;

namespace Mtc.Core.Xml;

/// <summary>The rules one document bent, each (rule, subject) once at its first place, at most <see cref="BentRule.MaxPerDocument"/>.</summary>
internal sealed class BentRules
{
    private List<BentRule>? _rules;

    public IXmlLineInfo? Position { get; set; }

    public IReadOnlyList<BentRule> ToList() => _rules is null ? [] : _rules.ToArray();

    public void Add(string rule, string subject, string message) =>
        Add(rule, subject, message, (Position?.LineNumber ?? 0, Position?.LinePosition ?? 0));

    public void Add(string rule, string subject, string message, (int Line, int Column) at)
    {
        _rules ??= [];
        if (_rules.Count >= BentRule.MaxPerDocument || _rules.Exists(r => r.Rule == rule && r.Subject == subject))
        {
            return;
        }

        _rules.Add(new BentRule(rule, Printable.Escape(subject), Printable.Escape(message), at.Line, at.Column));
    }
}

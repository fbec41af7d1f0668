namespace Mtc.Core.Model;

/// <summary>
/// A rule of XML or of the MTConnect schema that a document broke in a way the reader could still read without
/// losing anything, and how it read it. One per rule and subject (the first place it happened), so a log can
/// say once per document what an agent does wrong.
/// </summary>
/// <param name="Rule">Stable name of the rule: <see cref="UndeclaredPrefix"/>, <see cref="ComponentOutsideComponents"/>
/// or <see cref="DataItemOutsideDataItems"/>.</param>
/// <param name="Subject">What broke it: the prefix (<c>x</c>) or the element name (<c>Systems</c>).</param>
/// <param name="Message">One printable line saying what was found and how it was read.</param>
/// <param name="Line">1-based line of the first place (0 when unknown).</param>
/// <param name="Column">1-based column of the first place (0 when unknown).</param>
public sealed record BentRule(string Rule, string Subject, string Message, int Line, int Column)
{
    /// <summary>An element or attribute prefix with no <c>xmlns:prefix</c> declaration in scope (XML Namespaces 1.0,
    /// "prefix must be declared"). Read by its local name, in the namespace <see cref="UndeclaredNamespacePrefix"/> + prefix.</summary>
    public const string UndeclaredPrefix = "undeclared-prefix";

    /// <summary>A component (or an organizer such as <c>Systems</c>) directly under a device or component instead
    /// of inside its <c>Components</c> element. Read as one of its components.</summary>
    public const string ComponentOutsideComponents = "component-outside-components";

    /// <summary>A <c>DataItem</c> directly under a device or component instead of inside <c>DataItems</c>. Read as one of its data items.</summary>
    public const string DataItemOutsideDataItems = "data-item-outside-data-items";

    /// <summary>The namespace an undeclared prefix is read in: this text followed by the prefix.</summary>
    public const string UndeclaredNamespacePrefix = "urn:mtc:undeclared-prefix:";

    /// <summary>At most this many are kept per document; later ones are not listed (the document is still read whole).</summary>
    public const int MaxPerDocument = 32;

    /// <summary>One line: <c>line 3, column 7: undeclared-prefix x: ...</c>.</summary>
    public string Describe() => Line > 0 ? $"line {Line}, column {Column}: {Rule} {Subject}: {Message}" : $"{Rule} {Subject}: {Message}";

    public override string ToString() => Describe();
}

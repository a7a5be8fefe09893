import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * The element tree the codec works on. The standard's messages use elements only (no attributes, no
 * mixed content), so an element has either text or children.
 */
export interface XmlElement {
  readonly name: string;
  readonly text: string | undefined;
  readonly children: readonly XmlElement[];
}

export class XmlSyntaxError extends Error {}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Entities are decoded below in a single pass: the parser's own pass leaves numeric references
  // alone, and decoding them afterwards would double-decode `&amp;#…;`.
  processEntities: false,
  htmlEntities: false,
});

const builder = new XMLBuilder({
  preserveOrder: true,
  format: false,
  processEntities: true,
  suppressEmptyNode: false,
});

type OrderedNode = Record<string, unknown>;

const ENTITY = /&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  // Any `&` that is not one of XML's five entities or a character reference is malformed.
  if (text.replace(ENTITY, '').includes('&')) throw new XmlSyntaxError('unknown entity reference');
  return text.replace(ENTITY, (_match, name: string) => {
    switch (name) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default: {
        const codePoint = name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        if (!Number.isSafeInteger(codePoint) || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
          throw new XmlSyntaxError(`invalid character reference &${name};`);
        }
        return String.fromCodePoint(codePoint);
      }
    }
  });
}

function toElement(node: unknown): XmlElement | string {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) throw new XmlSyntaxError('unexpected node');
  const record = node as OrderedNode;
  if (Object.prototype.hasOwnProperty.call(record, ':@')) throw new XmlSyntaxError('attributes are not allowed on message elements');
  const keys = Object.keys(record);
  if (keys.length !== 1) throw new XmlSyntaxError('unexpected node shape');
  const name = keys[0];
  const value = record[name];
  if (name === '#text') {
    if (typeof value !== 'string') throw new XmlSyntaxError('unexpected text node');
    return decodeEntities(value);
  }
  if (!Array.isArray(value)) throw new XmlSyntaxError(`unexpected content in <${name}>`);
  const children: XmlElement[] = [];
  let text: string | undefined;
  for (const child of value) {
    const converted = toElement(child);
    if (typeof converted === 'string') text = (text ?? '') + converted;
    else children.push(converted);
  }
  if (text !== undefined && children.length > 0) throw new XmlSyntaxError(`mixed content in <${name}>`);
  return { name, text, children };
}

/**
 * Parses one XML element (the `<MsgText>` element of a package). Declarations, DOCTYPE, processing
 * instructions, comments and CDATA are refused outright: the profile sends none, and DOCTYPE is
 * the door to entity-expansion attacks.
 */
export function parseXmlElement(xml: string): XmlElement {
  if (xml.includes('<!') || xml.includes('<?')) throw new XmlSyntaxError('declarations, comments and CDATA are not allowed');
  let validation: ReturnType<typeof XMLValidator.validate>;
  let parsed: unknown;
  try {
    validation = XMLValidator.validate(xml);
    parsed = validation === true ? parser.parse(xml) : undefined;
  } catch (error) {
    // The library throws plain Errors for some names (e.g. `constructor`); they are syntax errors to us.
    throw new XmlSyntaxError(error instanceof Error ? error.message : 'unparseable XML');
  }
  if (validation !== true) throw new XmlSyntaxError(validation.err.msg);
  if (!Array.isArray(parsed) || parsed.length !== 1) throw new XmlSyntaxError('expected exactly one root element');
  const root = toElement(parsed[0]);
  if (typeof root === 'string') throw new XmlSyntaxError('expected a root element, found text');
  return root;
}

function toOrderedNode(element: XmlElement): OrderedNode {
  const content: unknown[] =
    element.text !== undefined ? [{ '#text': element.text }] : element.children.map((child) => toOrderedNode(child));
  return { [element.name]: content };
}

/** Serialises an element tree compactly (no indentation: every byte counts towards Len and CheckSum). */
export function buildXmlElement(element: XmlElement): string {
  return builder.build([toOrderedNode(element)]) as string;
}

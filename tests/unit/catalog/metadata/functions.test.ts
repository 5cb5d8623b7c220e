import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, BadRequestError } from '../../../../src/catalog/errors.js';
import {
  applyFunctionUpdates,
  canonicalDefinitionId,
  canonicalType,
  checkFunctionMetadata,
  createFunctionRequestSchema,
  newFunctionMetadata,
  parseOrBadRequest,
  primitiveTypeProblem,
  updateFunctionRequestSchema,
  type CreateFunctionRequest,
  type FunctionMetadata,
  type FunctionUpdate,
} from '../../../../src/catalog/metadata/index.js';

const UUID = '42fd3f91-bc10-41c1-8a52-92b57dd0a9b2';
const T0 = 1_734_507_000_123;

function sql(dialect: string, text: string) {
  return { type: 'sql' as const, dialect, sql: text };
}

function createRequest(overrides: Partial<CreateFunctionRequest> = {}): CreateFunctionRequest {
  return parseOrBadRequest(
    createFunctionRequestSchema,
    {
      name: 'add_one',
      definitions: [
        {
          parameters: [{ name: 'x', type: 'int', doc: 'Input integer' }],
          'return-type': 'int',
          version: { representations: [sql('trino', 'x + 1')], deterministic: true },
        },
        {
          parameters: [{ name: 'x', type: 'float' }],
          'return-type': 'float',
          version: { representations: [sql('trino', 'x + 1.0'), sql('spark', 'x + 1.0')] },
        },
      ],
      doc: 'Overloaded scalar UDF',
      ...overrides,
    },
    'create function request',
  );
}

function created(): FunctionMetadata {
  return newFunctionMetadata(createRequest(), { nowMs: T0, functionUuid: UUID });
}

function update(base: FunctionMetadata, updates: unknown[], nowMs = T0 + 1000): FunctionMetadata {
  const body = parseOrBadRequest(updateFunctionRequestSchema, { updates }, 'update');
  return applyFunctionUpdates(base, body.updates as FunctionUpdate[], { nowMs });
}

function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    return (err as Error).message;
  }
  throw new Error('expected a BadRequestError');
}

describe('function types', () => {
  it('accepts the primitive type strings of the Iceberg type JSON', () => {
    for (const t of [
      'boolean',
      'int',
      'long',
      'float',
      'double',
      'date',
      'time',
      'timestamp',
      'timestamptz',
      'timestamp_ns',
      'timestamptz_ns',
      'string',
      'uuid',
      'binary',
      'variant',
      'unknown',
      'decimal(9,2)',
      'decimal(38,38)',
      'decimal(1,0)',
      'fixed[16]',
      'geometry',
      'geometry(srid:4326)',
      'geography(OGC:CRS84,spherical)',
    ]) {
      expect(primitiveTypeProblem(t), t).toBeUndefined();
      expect(canonicalType(t, 'p')).toBe(t);
    }
  });

  it('refuses spaces, quotes, case, bounds and unknown names with the spelling to use', () => {
    expect(primitiveTypeProblem('decimal(9, 2)')).toBe(
      'type "decimal(9, 2)" holds a space or a quote; write it without (e.g. "decimal(9,2)")',
    );
    expect(primitiveTypeProblem('"int"')).toMatch(/holds a space or a quote/);
    expect(primitiveTypeProblem('INT')).toBe('type "INT" must be lowercase: write "int"');
    expect(primitiveTypeProblem('decimal(39,2)')).toBe(
      'decimal precision 39 is out of range: use 1 to 38',
    );
    expect(primitiveTypeProblem('decimal(0,0)')).toBe(
      'decimal precision 0 is out of range: use 1 to 38',
    );
    expect(primitiveTypeProblem('decimal(5,6)')).toBe(
      'decimal scale 6 exceeds its precision 5: use a scale from 0 to 5',
    );
    expect(primitiveTypeProblem('decimal(09,2)')).toBe(
      'type "decimal(09,2)" has leading zeros: write decimal(9,2)',
    );
    expect(primitiveTypeProblem('fixed[0]')).toMatch(/must be a positive integer/);
    expect(primitiveTypeProblem('varchar')).toMatch(/^unknown type "varchar"/);
    expect(primitiveTypeProblem('list')).toBe(
      'a list type is an object, e.g. {"type":"list","element":"int"}',
    );
    expect(primitiveTypeProblem('')).toMatch(/^unknown type ""/);
  });

  it('writes nested types canonically and ignores fields the UDF spec does not require', () => {
    const type = {
      type: 'struct',
      fields: [
        { id: 1, name: 'a', type: 'int', required: true, doc: 'ignored' },
        { id: 2, name: 'tags', type: { type: 'list', 'element-id': 3, element: 'string' } },
        {
          id: 4,
          name: 'm',
          type: { type: 'map', key: 'string', value: { type: 'list', element: 'decimal(9,2)' } },
        },
      ],
    };
    expect(canonicalType(type, 'p')).toBe(
      'struct<a:int,tags:list<string>,m:map<string,list<decimal(9,2)>>>',
    );
    expect(canonicalType({ type: 'struct', fields: [] }, 'p')).toBe('struct<>');
  });

  it('names the path of a bad nested type', () => {
    expect(() => canonicalType({ type: 'list' }, 'parameters[0].type')).toThrow(
      'parameters[0].type: a list needs "element", e.g. {"type":"list","element":"int"}',
    );
    expect(() =>
      canonicalType({ type: 'map', key: 'string', value: 'INT' }, 'return-type'),
    ).toThrow('return-type.value: type "INT" must be lowercase: write "int"');
    expect(() => canonicalType({ type: 'array', element: 'int' }, 'r')).toThrow(
      'r.type: "array" is not a nested type: use "list", "map" or "struct"',
    );
    expect(() =>
      canonicalType({ type: 'struct', fields: [{ name: 'a,b', type: 'int' }] }, 'r'),
    ).toThrow(/r\.fields\[0\]\.name: "a,b" holds a space, quote/);
    expect(() =>
      canonicalType(
        {
          type: 'struct',
          fields: [
            { name: 'a', type: 'int' },
            { name: 'a', type: 'long' },
          ],
        },
        'r',
      ),
    ).toThrow('r.fields[1].name: duplicate field name "a"');
    expect(() => canonicalType(7, 'r')).toThrow(/^r: a type is a string/);
    expect(() => canonicalType(null, 'r')).toThrow(/^r: a type is a string/);
  });

  it('derives the definition-id: canonical parameter types, comma-separated, no spaces', () => {
    expect(canonicalDefinitionId(['int', 'decimal(9,2)', 'string'], 'parameters')).toBe(
      'int,decimal(9,2),string',
    );
    expect(canonicalDefinitionId([], 'parameters')).toBe('');
    expect(
      canonicalDefinitionId(
        [
          { type: 'map', key: 'string', value: 'int' },
          { type: 'list', element: 'long' },
        ],
        'parameters',
      ),
    ).toBe('map<string,int>,list<long>');
  });
});

describe('new function metadata', () => {
  it('assigns version 1, derives definition ids and logs the first definition versions', () => {
    expect(created()).toEqual({
      'function-uuid': UUID,
      'format-version': 1,
      definitions: [
        {
          'definition-id': 'int',
          parameters: [{ name: 'x', type: 'int', doc: 'Input integer' }],
          'return-type': 'int',
          versions: [
            {
              'version-id': 1,
              representations: [sql('trino', 'x + 1')],
              deterministic: true,
              'timestamp-ms': T0,
            },
          ],
          'current-version-id': 1,
          'function-type': 'udf',
        },
        {
          'definition-id': 'float',
          parameters: [{ name: 'x', type: 'float' }],
          'return-type': 'float',
          versions: [
            {
              'version-id': 1,
              representations: [sql('trino', 'x + 1.0'), sql('spark', 'x + 1.0')],
              'timestamp-ms': T0,
            },
          ],
          'current-version-id': 1,
          'function-type': 'udf',
        },
      ],
      'definition-log': [
        {
          'timestamp-ms': T0,
          'definition-versions': [
            { 'definition-id': 'int', 'version-id': 1 },
            { 'definition-id': 'float', 'version-id': 1 },
          ],
        },
      ],
      doc: 'Overloaded scalar UDF',
    });
  });

  it('accepts a given definition-id only when it is the canonical one', () => {
    const def = {
      'definition-id': 'int, int',
      parameters: [
        { name: 'a', type: 'int' },
        { name: 'b', type: 'int' },
      ],
      'return-type': 'int',
      version: { representations: [sql('trino', 'a + b')] },
    };
    expect(
      badRequest(() =>
        newFunctionMetadata(createRequest({ definitions: [def] as never }), {
          nowMs: T0,
          functionUuid: UUID,
        }),
      ),
    ).toBe(
      'Invalid function: definitions[0].definition-id: "int, int" does not match its parameter types; the canonical id is "int,int" (omit it and the catalog derives it)',
    );
    const ok = newFunctionMetadata(
      createRequest({ definitions: [{ ...def, 'definition-id': 'int,int' }] as never }),
      { nowMs: T0, functionUuid: UUID },
    );
    expect(ok.definitions[0]?.['definition-id']).toBe('int,int');
  });

  const refused: Array<[string, Record<string, unknown>, string | RegExp]> = [
    [
      'two overloads with the same parameter types',
      {
        definitions: [
          {
            parameters: [{ name: 'x', type: 'int' }],
            'return-type': 'int',
            version: { representations: [sql('trino', 'x')] },
          },
          {
            parameters: [{ name: 'y', type: 'int' }],
            'return-type': 'long',
            version: { representations: [sql('trino', 'y')] },
          },
        ],
      },
      'Invalid function: definitions[1].definition-id: definitions[0] already has parameter types (int); overloads differ in their parameter types',
    ],
    [
      'a specific-name used twice',
      {
        definitions: [
          {
            'specific-name': 'f1',
            parameters: [{ name: 'x', type: 'int' }],
            'return-type': 'int',
            version: { representations: [sql('trino', 'x')] },
          },
          {
            'specific-name': 'f1',
            parameters: [{ name: 'x', type: 'long' }],
            'return-type': 'long',
            version: { representations: [sql('trino', 'x')] },
          },
        ],
      },
      'Invalid function: definitions[1].specific-name: "f1" is already the specific-name of definitions[0]',
    ],
    [
      'two representations of one dialect',
      {
        definitions: [
          {
            parameters: [],
            'return-type': 'int',
            version: { representations: [sql('spark', '1'), sql('Spark', '2')] },
          },
        ],
      },
      'Invalid function: definitions[0].versions[0].representations[1].dialect: dialect "Spark" already has a representation at representations[0]; a version holds at most one per dialect',
    ],
    [
      'an empty SQL body',
      {
        definitions: [
          {
            parameters: [],
            'return-type': 'int',
            version: { representations: [sql('trino', '  ')] },
          },
        ],
      },
      'Invalid function: definitions[0].versions[0].representations[0].sql: must hold the SQL text of the function body',
    ],
    [
      'an empty dialect',
      {
        definitions: [
          { parameters: [], 'return-type': 'int', version: { representations: [sql('', '1')] } },
        ],
      },
      /representations\[0\]\.dialect: must name a SQL dialect/,
    ],
    [
      'a udtf that does not return a struct',
      {
        definitions: [
          {
            parameters: [],
            'return-type': 'int',
            'function-type': 'udtf',
            version: { representations: [sql('trino', 'SELECT 1')] },
          },
        ],
      },
      'Invalid function: definitions[0].return-type: a udtf returns rows: its return-type must be a struct describing them',
    ],
    [
      'a duplicate parameter name',
      {
        definitions: [
          {
            parameters: [
              { name: 'x', type: 'int' },
              { name: 'x', type: 'long' },
            ],
            'return-type': 'int',
            version: { representations: [sql('trino', 'x')] },
          },
        ],
      },
      'Invalid function: definitions[0].parameters[1].name: duplicate parameter name "x"',
    ],
    [
      'a bad parameter type',
      {
        definitions: [
          {
            parameters: [{ name: 'x', type: 'decimal(40,2)' }],
            'return-type': 'int',
            version: { representations: [sql('trino', 'x')] },
          },
        ],
      },
      'Invalid function: definitions[0].parameters[0].type: decimal precision 40 is out of range: use 1 to 38',
    ],
    [
      'a bad return type',
      {
        definitions: [
          {
            parameters: [],
            'return-type': { type: 'list' },
            version: { representations: [sql('trino', '1')] },
          },
        ],
      },
      'Invalid function: definitions[0].return-type: a list needs "element", e.g. {"type":"list","element":"int"}',
    ],
  ];
  refused.push([
    'a bad type nested in the return type',
    {
      definitions: [
        {
          parameters: [],
          'return-type': { type: 'map', key: 'string', value: { type: 'list', element: 'INT' } },
          version: { representations: [sql('trino', '1')] },
        },
      ],
    },
    'Invalid function: definitions[0].return-type.value.element: type "INT" must be lowercase: write "int"',
  ]);
  for (const [what, overrides, message] of refused) {
    it(`refuses ${what}`, () => {
      const msg = badRequest(() =>
        newFunctionMetadata(
          parseOrBadRequest(
            createFunctionRequestSchema,
            { name: 'f', ...overrides },
            'create function request',
          ),
          { nowMs: T0, functionUuid: UUID },
        ),
      );
      if (typeof message === 'string') expect(msg).toBe(message);
      else expect(msg).toMatch(message);
    });
  }

  it('refuses unknown fields and missing parts in the request shape', () => {
    expect(
      badRequest(() =>
        parseOrBadRequest(
          createFunctionRequestSchema,
          {
            name: 'f',
            definitions: [
              {
                parameters: [],
                return_type: 'int',
                version: { representations: [sql('trino', '1')] },
              },
            ],
          },
          'create function request',
        ),
      ),
    ).toMatch(
      /^Invalid create function request: definitions\[0\]\.return-type: .*definitions\[0\]: Unrecognized key: "return_type"/,
    );
    expect(
      badRequest(() =>
        parseOrBadRequest(
          createFunctionRequestSchema,
          { name: 'f', definitions: [] },
          'create function request',
        ),
      ),
    ).toBe('Invalid create function request: definitions: needs at least one definition');
    expect(
      badRequest(() =>
        parseOrBadRequest(
          createFunctionRequestSchema,
          {
            name: 'f',
            definitions: [
              { parameters: [], 'return-type': 'int', version: { representations: [] } },
            ],
          },
          'create function request',
        ),
      ),
    ).toBe(
      'Invalid create function request: definitions[0].version.representations: needs at least one SQL representation',
    );
    expect(
      badRequest(() =>
        parseOrBadRequest(
          createFunctionRequestSchema,
          {
            name: 'f',
            location: 's3://elsewhere/',
            definitions: [
              {
                parameters: [],
                'return-type': 'int',
                version: { representations: [sql('trino', '1')] },
              },
            ],
          },
          'create function request',
        ),
      ),
    ).toBe('Invalid create function request: (root): Unrecognized key: "location"');
  });
});

describe('function updates', () => {
  it('add-definition-version becomes current, with the next version-id, and is logged', () => {
    const base = created();
    const next = update(base, [
      {
        action: 'add-definition-version',
        'definition-id': 'int',
        version: { representations: [sql('trino', 'x + 2'), sql('spark', 'x + 2')] },
      },
    ]);
    expect(next.definitions[0]?.versions.map((v) => v['version-id'])).toEqual([1, 2]);
    expect(next.definitions[0]?.['current-version-id']).toBe(2);
    expect(next.definitions[0]?.versions[1]).toEqual({
      'version-id': 2,
      representations: [sql('trino', 'x + 2'), sql('spark', 'x + 2')],
      'timestamp-ms': T0 + 1000,
    });
    expect(next['definition-log']).toEqual([
      base['definition-log'][0],
      {
        'timestamp-ms': T0 + 1000,
        'definition-versions': [
          { 'definition-id': 'int', 'version-id': 2 },
          { 'definition-id': 'float', 'version-id': 1 },
        ],
      },
    ]);
    // The base is untouched.
    expect(base).toEqual(created());
  });

  it('set-current-version rolls back; the same version again changes nothing', () => {
    const v2 = update(created(), [
      {
        action: 'add-definition-version',
        'definition-id': 'int',
        version: { representations: [sql('trino', 'x + 2')] },
      },
    ]);
    const back = update(
      v2,
      [{ action: 'set-current-version', 'definition-id': 'int', 'version-id': 1 }],
      T0 + 2000,
    );
    expect(back.definitions[0]?.['current-version-id']).toBe(1);
    expect(back['definition-log']).toHaveLength(3);
    expect(back['definition-log'][2]?.['definition-versions'][0]).toEqual({
      'definition-id': 'int',
      'version-id': 1,
    });
    const same = update(back, [
      { action: 'set-current-version', 'definition-id': 'int', 'version-id': 1 },
    ]);
    expect(same).toBe(back);
  });

  it('add-definition adds an overload; one with existing parameter types is a conflict', () => {
    const base = created();
    const next = update(base, [
      {
        action: 'add-definition',
        definition: {
          parameters: [
            { name: 'x', type: 'int' },
            { name: 'y', type: 'int' },
          ],
          'return-type': 'int',
          version: { representations: [sql('trino', 'x + y + 1')] },
        },
      },
    ]);
    expect(next.definitions.map((d) => d['definition-id'])).toEqual(['int', 'float', 'int,int']);
    expect(next['definition-log'].at(-1)?.['definition-versions']).toHaveLength(3);
    expect(() =>
      update(base, [
        {
          action: 'add-definition',
          definition: {
            parameters: [{ name: 'z', type: 'int' }],
            'return-type': 'long',
            version: { representations: [sql('trino', 'z')] },
          },
        },
      ]),
    ).toThrow(AlreadyExistsError);
  });

  it('remove-definition removes an overload, but not the last one', () => {
    const one = update(created(), [{ action: 'remove-definition', 'definition-id': 'float' }]);
    expect(one.definitions.map((d) => d['definition-id'])).toEqual(['int']);
    expect(one['definition-log'].at(-1)?.['definition-versions']).toEqual([
      { 'definition-id': 'int', 'version-id': 1 },
    ]);
    expect(
      badRequest(() => update(one, [{ action: 'remove-definition', 'definition-id': 'int' }])),
    ).toBe(
      'Invalid function: definitions: a function needs at least one definition; drop the function instead',
    );
  });

  it('refuses an unknown definition or version, naming what exists', () => {
    const base = created();
    expect(
      badRequest(() => update(base, [{ action: 'remove-definition', 'definition-id': 'long' }])),
    ).toBe(
      'Invalid function update: updates[0].definition-id: no definition with definition-id "long" (the function has "int", "float")',
    );
    expect(
      badRequest(() =>
        update(base, [{ action: 'set-current-version', 'definition-id': 'int', 'version-id': 7 }]),
      ),
    ).toBe(
      'Invalid function update: updates[0].version-id: definition (int) has no version 7 (it has 1)',
    );
    expect(badRequest(() => update(base, [{ action: 'drop-everything' }]))).toBe(
      'Invalid update: updates[0].action: unknown action "drop-everything"',
    );
  });

  it('sets and removes properties; removing what is not set changes nothing', () => {
    const base = created();
    const set = update(base, [
      { action: 'set-properties', updates: { owner: 'ops', tier: 'gold' } },
    ]);
    expect(set.properties).toEqual({ owner: 'ops', tier: 'gold' });
    // Properties are not definition versions: the log is unchanged.
    expect(set['definition-log']).toEqual(base['definition-log']);
    const removed = update(set, [{ action: 'remove-properties', removals: ['tier'] }]);
    expect(removed.properties).toEqual({ owner: 'ops' });
    expect(update(removed, [{ action: 'remove-properties', removals: ['nope'] }])).toBe(removed);
    expect(update(removed, [{ action: 'set-properties', updates: { owner: 'ops' } }])).toBe(
      removed,
    );
  });

  it('a failing update in a list leaves the base unchanged', () => {
    const base = created();
    const snapshot = JSON.stringify(base);
    expect(() =>
      update(base, [
        { action: 'set-properties', updates: { a: 'b' } },
        { action: 'remove-definition', 'definition-id': 'nope' },
      ]),
    ).toThrow(BadRequestError);
    expect(JSON.stringify(base)).toBe(snapshot);
  });
});

describe('checkFunctionMetadata', () => {
  it('requires the current version to exist and version ids to be unique', () => {
    const m = created();
    const def = m.definitions[0];
    if (!def) throw new Error('no definition');
    expect(
      badRequest(() =>
        checkFunctionMetadata({ ...m, definitions: [{ ...def, 'current-version-id': 3 }] }),
      ),
    ).toBe('Invalid function: definitions[0].current-version-id: 3 is not one of its versions (1)');
    const v = def.versions[0];
    if (!v) throw new Error('no version');
    expect(
      badRequest(() =>
        checkFunctionMetadata({ ...m, definitions: [{ ...def, versions: [v, v] }] }),
      ),
    ).toBe('Invalid function: definitions[0].versions[1].version-id: duplicate version-id 1');
  });
});

import { Type } from "typebox";

export const UnitNameParam = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 512,
      description:
        "Unit name, e.g. apache@80.service; percent-encode '@' as %40 if your client requires it.",
    }),
  },
  { additionalProperties: false },
);

export const MachineIdParam = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 256, description: "Machine id" }) },
  { additionalProperties: false },
);

export const BooleanQuery = Type.Union([Type.Literal("true"), Type.Literal("false")], {
  description: "true or false",
});

export const Problem = Type.Object(
  {
    type: Type.String({ description: "A URI naming the kind of problem; stable across releases." }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object(
          {
            message: Type.String(),
            line: Type.Optional(Type.Integer()),
            path: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  {
    $id: "Problem",
    additionalProperties: true,
    description: "An RFC 9457 problem document.",
  },
);

"use client";

import * as React from "react";
import { LockIcon } from "lucide-react";

import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { ApiError } from "@/lib/api";
import type { Product, ProductChanges, ProductInput } from "@/lib/types";

type FormValues = { sku: string; name: string; description: string; price: string; active: boolean };
type FieldName = keyof FormValues;

const EMPTY: FormValues = { sku: "", name: "", description: "", price: "", active: true };

function valuesOf(product: Product | null): FormValues {
  if (!product) return EMPTY;
  return {
    sku: product.sku,
    name: product.name,
    description: product.description ?? "",
    price: product.price ?? "",
    active: product.active,
  };
}

function toInput(values: FormValues): ProductInput {
  return {
    sku: values.sku.trim(),
    name: values.name.trim(),
    description: values.description,
    price: values.price.trim() === "" ? null : values.price.trim(),
    active: values.active,
  };
}

/**
 * Returns only the fields the user changed, compared with the values the form opened with. An
 * imported product may hold values the API's single-product validation rejects (a name over
 * its length limit, a line break in the name), and sending them back unchanged would make
 * every save fail.
 */
function changedFields(original: FormValues, values: FormValues): ProductChanges {
  const input = toInput(values);
  const changes: ProductChanges = {};
  if (values.name !== original.name) changes.name = input.name;
  if (values.description !== original.description) changes.description = input.description;
  if (values.price !== original.price) changes.price = input.price;
  if (values.active !== original.active) changes.active = input.active;
  return changes;
}

/** Maps an API failure to messages by field, plus one for the whole form. */
export function errorsFromApi(error: unknown): { fields: Partial<Record<FieldName, string>>; form: string | null } {
  if (!(error instanceof ApiError)) {
    return { fields: {}, form: error instanceof Error ? error.message : String(error) };
  }
  if (error.status === 409) return { fields: { sku: error.message }, form: null };

  const fields: Partial<Record<FieldName, string>> = {};
  for (const [name, message] of Object.entries(error.fieldErrors)) {
    if (name in EMPTY) fields[name as FieldName] = fieldMessage(name as FieldName, message);
  }
  const unmatched = Object.keys(error.fieldErrors).filter((name) => !(name in EMPTY));
  const form = Object.keys(fields).length > 0 && unmatched.length === 0 ? null : error.message;
  return { fields, form };
}

const LABELS: Record<FieldName, string> = {
  sku: "SKU",
  name: "Name",
  description: "Description",
  price: "Price",
  active: "Active",
};

/** Turns the API's per-field fragments ("must not be empty") into sentences naming the field. */
export function fieldMessage(field: FieldName, message: string): string {
  return /^(is|must|cannot|should)\b/.test(message) ? `${LABELS[field]} ${message}` : message;
}

export type ProductFormDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The product to edit; null to create one. */
  product: Product | null;
  /** Called with every field when creating a product. */
  onCreate: (input: ProductInput) => Promise<void>;
  /** Called with the changed fields only when editing; not called when nothing changed. */
  onUpdate: (sku: string, changes: ProductChanges) => Promise<void>;
};

export function ProductFormDialog({ open, onOpenChange, product, onCreate, onUpdate }: ProductFormDialogProps) {
  const editing = product !== null;
  const [values, setValues] = React.useState<FormValues>(() => valuesOf(product));
  const [fieldErrors, setFieldErrors] = React.useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = React.useState<string | null>(null);
  const [saving, setSaving] = React.useState(false);

  React.useEffect(() => {
    if (!open) return;
    setValues(valuesOf(product));
    setFieldErrors({});
    setFormError(null);
  }, [open, product]);

  function update<K extends FieldName>(name: K, value: FormValues[K]) {
    setValues((current) => ({ ...current, [name]: value }));
    setFieldErrors((current) => ({ ...current, [name]: undefined }));
  }

  async function save() {
    if (!product) {
      await onCreate(toInput(values));
      return;
    }
    const changes = changedFields(valuesOf(product), values);
    if (Object.keys(changes).length > 0) await onUpdate(product.sku, changes);
  }

  async function handleSubmit(event: React.FormEvent) {
    event.preventDefault();
    setSaving(true);
    setFormError(null);
    try {
      await save();
      onOpenChange(false);
    } catch (error) {
      const { fields, form } = errorsFromApi(error);
      setFieldErrors(fields);
      setFormError(form);
    } finally {
      setSaving(false);
    }
  }

  const title = editing ? "Edit product" : "New product";
  let submitLabel = editing ? "Save changes" : "Create product";
  if (saving) submitLabel = "Saving…";
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>
            {editing ? "Change the product's details. The SKU cannot be changed." : "Add a product to the catalogue."}
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={handleSubmit} noValidate className="grid gap-4">
          {formError ? (
            <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-sm text-destructive">
              {formError}
            </p>
          ) : null}
          <Field
            name="sku"
            label="SKU"
            error={fieldErrors.sku}
            hint={editing ? "The SKU identifies the product and cannot be changed." : undefined}
          >
            {(props) => (
              <div className="relative">
                <Input
                  {...props}
                  value={values.sku}
                  onChange={(event) => update("sku", event.target.value)}
                  readOnly={editing}
                  aria-readonly={editing || undefined}
                  autoComplete="off"
                  className={editing ? "bg-muted pr-9 font-mono text-muted-foreground" : "font-mono"}
                  required
                />
                {editing ? (
                  <LockIcon
                    className="absolute top-1/2 right-3 size-4 -translate-y-1/2 text-muted-foreground"
                    aria-hidden="true"
                  />
                ) : null}
              </div>
            )}
          </Field>
          <Field name="name" label="Name" error={fieldErrors.name}>
            {(props) => (
              <Input {...props} value={values.name} onChange={(event) => update("name", event.target.value)} required />
            )}
          </Field>
          <Field name="description" label="Description" error={fieldErrors.description}>
            {(props) => (
              <Textarea
                {...props}
                value={values.description}
                onChange={(event) => update("description", event.target.value)}
                rows={3}
              />
            )}
          </Field>
          <Field name="price" label="Price" error={fieldErrors.price} hint="A decimal such as 19.99; leave empty for no price.">
            {(props) => (
              <Input
                {...props}
                value={values.price}
                onChange={(event) => update("price", event.target.value)}
                inputMode="decimal"
                placeholder="0.00"
              />
            )}
          </Field>
          <Label className="flex items-center gap-2 font-normal">
            <input
              type="checkbox"
              checked={values.active}
              onChange={(event) => update("active", event.target.checked)}
              className="size-4 rounded border-input accent-[var(--brand)]"
            />
            Active
          </Label>
          <DialogFooter className="pt-2">
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={saving}>
              {submitLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

type ControlProps = {
  id: string;
  name: string;
  "aria-invalid": boolean | undefined;
  "aria-describedby": string | undefined;
};

function Field({
  name,
  label,
  error,
  hint,
  children,
}: {
  name: FieldName;
  label: string;
  error?: string;
  hint?: string;
  children: (props: ControlProps) => React.ReactNode;
}) {
  const id = `product-${name}`;
  let describedBy: string | undefined;
  if (error) describedBy = `${id}-error`;
  else if (hint) describedBy = `${id}-hint`;
  return (
    <div className="grid gap-2">
      <Label htmlFor={id}>{label}</Label>
      {children({
        id,
        name,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy,
      })}
      {hint && !error ? (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs font-medium text-destructive">
          {error}
        </p>
      ) : null}
    </div>
  );
}

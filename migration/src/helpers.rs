//! Small builders shared by the migrations: every table, key and index is named the same way.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// A new table with a UUID primary key `id`.
pub fn table(name: &'static str) -> TableCreateStatement {
    Table::create().table(name).col(pk_uuid("id")).take()
}

/// A timestamp column (with time zone; stored as text on SQLite).
pub fn at(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone(name)
}

/// A nullable timestamp column.
pub fn at_null(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone_null(name)
}

/// A short string column for an enum value stored by name.
pub fn status(name: &'static str) -> ColumnDef {
    string_len(name, 32)
}

/// A money amount in minor units (cents, pence): never a float.
pub fn minor(name: &'static str) -> ColumnDef {
    big_integer(name)
}

/// A foreign key `table.column → target.id`; `cascade` deletes the row with its parent.
pub fn fk(table: &'static str, column: &'static str, target: &'static str, cascade: bool) -> ForeignKeyCreateStatement {
    let action = if cascade { ForeignKeyAction::Cascade } else { ForeignKeyAction::Restrict };
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(action)
        .take()
}

/// A (non-unique) index on the given columns, named after them.
pub fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(format!("idx_{table}_{}", columns.join("_"))).table(table);
    for column in columns {
        index.col(*column);
    }
    index.take()
}

/// A unique index on the given columns.
pub fn unique(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(format!("uq_{table}_{}", columns.join("_"))).table(table).unique();
    for column in columns {
        index.col(*column);
    }
    index.take()
}

/// Creates the tables, then their indexes.
pub async fn create(
    manager: &SchemaManager<'_>,
    tables: Vec<TableCreateStatement>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for table in tables {
        manager.create_table(table).await?;
    }
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops the tables in the order given (children first).
pub async fn drop(manager: &SchemaManager<'_>, tables: &[&'static str]) -> Result<(), DbErr> {
    for table in tables {
        manager.drop_table(Table::drop().table(*table).take()).await?;
    }
    Ok(())
}

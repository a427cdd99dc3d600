-- At most 12 photos a product, whatever path adds them (single upload, import ZIP): without a cap
-- one member could fill the media store through one product. The product row is locked first so
-- two uploads at once cannot both see 11 and both insert.
create function product_images_at_most_12() returns trigger
    language plpgsql
as $$
begin
    perform 1 from products where id = new.product_id for update;
    if (select count(*) from product_images where product_id = new.product_id) >= 12 then
        raise exception 'a product has at most 12 photos'
            using errcode = 'check_violation', constraint = 'product_images_at_most_12';
    end if;
    return new;
end
$$;
create trigger product_images_at_most_12 before insert on product_images
    for each row execute function product_images_at_most_12();
